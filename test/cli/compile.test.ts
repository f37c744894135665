import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared, repoRoot } from "../helpers/shared.ts";

const dflow = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, "bin/dflow.js"), ...args], { cwd: repoRoot, encoding: "utf8" });

describe("dflow compile", () => {
  it("prints the manifest of a workflow file, bundles included", () => {
    const r = dflow("compile", "examples/hello.ts");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = parse(r.stdout);
    expect(m.kind).toBe("Workflow");
    const dup = m.spec.templates.find((t: { name: string }) => t.name === "duplicate");
    expect(dup.script.source).toContain("runOp");
    expect(dup.metadata.annotations["dflow-ts/bundle-hash"]).toMatch(/^[0-9a-f]{16}$/);
    if (hasShared) expect(argoErrors(m)).toBe("");
  });

  it("prints JSON with --json", () => {
    const r = dflow("compile", "--json", "--no-bundle", "examples/dag.ts");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).spec.entrypoint).toBe("count");
  });

  it("reports user errors in one line, without a stack trace", () => {
    const missing = dflow("compile", "examples/nope.ts");
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim()).toBe("dflow: no such file: examples/nope.ts");
    const noExport = dflow("compile", "-e", "other", "examples/dag.ts");
    expect(noExport.stderr).toMatch(/has no exported workflow "other" \(exported: default\)/);
    const bad = dflow("compile", "test/fixtures/bad-workflow.ts");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toBe('dflow: step "s": missing parameter "msg" required by template "echo"');
  });
});

describe("Argo shorthands", () => {
  it("maps submit and --argo onto the argo commands", async () => {
    const { expandAliases } = await import("../../src/cli/aliases.ts");
    expect(expandAliases(["node", "dflow", "submit", "f.ts", "-p", "a=1"])).toEqual(["node", "dflow", "argo", "submit", "f.ts", "-p", "a=1"]);
    expect(expandAliases(["node", "dflow", "status", "wf-1", "--argo"])).toEqual(["node", "dflow", "argo", "status", "wf-1"]);
    expect(expandAliases(["node", "dflow", "retry", "--argo", "wf-1"])).toEqual(["node", "dflow", "argo", "retry", "wf-1"]);
    expect(expandAliases(["node", "dflow", "status", "wf-1"])).toEqual(["node", "dflow", "status", "wf-1"]);
    expect(expandAliases(["node", "dflow", "run", "x.ts", "--argo"])).toEqual(["node", "dflow", "run", "x.ts", "--argo"]);
  });
});
