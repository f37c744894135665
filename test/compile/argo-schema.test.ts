import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared, SHARED_MISSING, sharedDir } from "../helpers/shared.ts";

// The validator itself must accept Argo's own examples and reject typos, or the other schema
// checks prove nothing.
describe.skipIf(!hasShared)("Argo schema validator", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});

  it("accepts every upstream example workflow", () => {
    const dir = path.join(sharedDir, "argo", "examples");
    const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(36);
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(path.join(dir, f), "utf8"))) {
        expect(argoErrors(doc.toJS()), f).toBe("");
      }
    }
  });

  it("rejects a misspelled field and a wrong type", () => {
    const base = { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { generateName: "x-" } };
    expect(argoErrors({ ...base, spec: { entrypoint: "a", templates: [{ name: "a", scirpt: {} }] } })).toMatch(/scirpt/);
    expect(argoErrors({ ...base, spec: { entrypoint: "a", templates: [{ name: "a", parallelism: "two" }] } })).not.toBe("");
  });
});
