import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Workflow } from "../../src/index.ts";
import { unresolvedPodVariables } from "../helpers/argo-variables.ts";
import { repoRoot } from "../helpers/shared.ts";

// argo-server refuses a workflow whose pod templates mention {{inputs.…}}, {{steps.…}} etc. that
// are not in scope — anywhere in the template, script sources included (see the helper). The JSON
// schema cannot see this, so every example is checked with its function-OP bundles in place.
const examplesDir = path.join(repoRoot, "examples");
const examples = [
  ...readdirSync(examplesDir).filter((f) => f.endsWith(".ts")),
  // common.ts holds shared options, no workflow.
  ...readdirSync(path.join(examplesDir, "executors")).filter((f) => f.endsWith(".ts") && f !== "common.ts").map((f) => `executors/${f}`),
].sort();

describe("pod templates use only variables Argo can resolve", () => {
  for (const file of examples) {
    it(file, async () => {
      const prev = process.cwd();
      process.chdir(repoRoot);
      try {
        const wf = ((await import(path.join(examplesDir, file))) as { default: Workflow<any> }).default;
        // Inline bundles (the default limit ships large ones as artifacts, whose text Argo never sees).
        expect(unresolvedPodVariables(wf.compile({ inlineBundleLimit: Infinity }))).toEqual([]);
      } finally {
        process.chdir(prev);
      }
    }, 60_000);
  }

  it("the check itself finds an undeclared input in a script", () => {
    const m = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      metadata: { generateName: "x-" },
      spec: { entrypoint: "t", templates: [{ name: "t", inputs: { parameters: [{ name: "a" }] }, script: { image: "i", command: ["sh"], source: "echo {{inputs.parameters.a}} {{inputs.parameters.b}} {{item}} {{=x}} {{pod.name}}" } }] },
    } as const;
    expect(unresolvedPodVariables(m as never)).toEqual(["t: {{inputs.parameters.b}}"]);
  });
});
