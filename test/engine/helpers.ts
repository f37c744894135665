import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Template, Workflow } from "../../src/argo/manifest.ts";
import { startWorkflow, type EngineOptions, type RunResult, type StepRecord } from "../../src/engine/index.ts";

export const tempRoot = (): string => mkdtempSync(join(tmpdir(), "dflow-engine-test-"));

export function workflow(entrypoint: string, templates: Template[], spec: Partial<Workflow["spec"]> = {}): Workflow {
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { generateName: "t-" }, spec: { entrypoint, templates, ...spec } };
}

export async function run(manifest: Workflow, opts: EngineOptions = {}): Promise<RunResult> {
  return startWorkflow(manifest, { root: tempRoot(), parallelism: 4, ...opts }).done;
}

export const sh = (name: string, script: string, extra: Partial<Template> = {}): Template => ({
  name,
  container: { image: "alpine", command: ["sh", "-c"], args: [script] },
  ...extra,
});

export function step(result: RunResult, name: string): StepRecord {
  const found = result.record.steps.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one step "${name}", found ${found.length}: ${result.record.steps.map((s) => s.name).join(", ")}`);
  return found[0]!;
}

export const names = (result: RunResult, type = "Pod"): string[] =>
  result.record.steps
    .filter((s) => s.type === type)
    .map((s) => s.name)
    .sort();
