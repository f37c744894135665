import { existsSync } from "node:fs";
import type { Workflow } from "../argo/manifest.ts";
import { REUSE_ANNOTATION, type ReusedStep } from "../argo/dflow-conventions.ts";
import type { ArtifactStore, ArtifactValue } from "./artifacts.ts";
import type { ResolvedOutputs } from "./scope.ts";
import { ValidationError } from "./errors.ts";

/**
 * Steps reused from earlier runs (dflow's `submit(reuse_step=...)`), by key: a node whose
 * `dflow_key` matches is not run; it succeeds at once with the reused outputs. They travel in the
 * manifest's annotation so that the record of the run says what was reused.
 */
export function reusedSteps(workflow: Workflow): Map<string, ReusedStep> {
  const text = workflow.metadata.annotations?.[REUSE_ANNOTATION];
  const out = new Map<string, ReusedStep>();
  if (!text) return out;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}`, `not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list)) throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}`, "must be a JSON list of reused steps");
  for (const [i, s] of list.entries()) {
    const r = s as ReusedStep;
    if (typeof r?.key !== "string" || typeof r.parameters !== "object" || typeof r.artifacts !== "object") {
      throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}[${i}]`, "a reused step needs key, parameters and artifacts");
    }
    for (const [name, p] of Object.entries(r.artifacts)) {
      if (!existsSync(p)) throw new ValidationError(`reused step "${r.key}" artifact "${name}"`, `${p} does not exist (was the earlier run's record removed?)`);
    }
    out.set(r.key, r);
  }
  return out;
}

/** The reused outputs, with artifacts copied into this run's store under the node's directory. */
export async function reusedOutputs(step: ReusedStep, store: ArtifactStore, nodeDir: string): Promise<ResolvedOutputs> {
  const artifacts: Record<string, ArtifactValue> = {};
  for (const [name, p] of Object.entries(step.artifacts)) {
    const key = `${nodeDir}/outputs/artifacts/${name}`;
    await store.save(p, key);
    artifacts[name] = { key };
  }
  return { parameters: { ...step.parameters }, artifacts };
}
