import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared, repoRoot } from "../helpers/shared.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

const dflow = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, "bin/dflow.js"), ...args], { cwd: repoRoot, encoding: "utf8" });
// No S3 from the environment: the repository is the local store under DFLOW_ROOT.
const dflowEnv = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, "bin/dflow.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, DFLOW_S3_ENDPOINT: "", AWS_ENDPOINT_URL_S3: "", AWS_ENDPOINT_URL: "", ...env },
  });
const templateOf = (m: { spec: { templates: { name: string }[] } }, name: string) => m.spec.templates.find((t) => t.name === name) as any;

describe("dflow compile", () => {
  it("prints the manifest of a workflow file, its large bundles referenced as artifacts", () => {
    const r = dflow("compile", "examples/hello.ts");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = parse(r.stdout);
    expect(m.kind).toBe("Workflow");
    const dup = templateOf(m, "duplicate");
    const hash = dup.metadata.annotations["dflow-ts/bundle-hash"];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(dup.script.source).toMatch(/^\/\/ dflow-ts: runs the OP's bundle/);
    expect(dup.inputs.artifacts).toContainEqual({ name: "dflow_bundle", path: `/tmp/dflow/bundle-${hash}.cjs`, s3: { key: `dflow-bundles/${hash}.cjs` }, archive: { none: {} } });
    if (hasShared) expect(argoErrors(m)).toBe("");
  });

  it("inlines bundles up to DFLOW_INLINE_BUNDLE_LIMIT and rejects a limit that is not a number", () => {
    const r = dflowEnv({ DFLOW_INLINE_BUNDLE_LIMIT: "10000000" }, "compile", "examples/hello.ts");
    expect(r.status).toBe(0);
    const dup = templateOf(parse(r.stdout), "duplicate");
    expect(decodeArgoSafeNodeScript(dup.script.source)).toContain("runOp");
    expect(dup.inputs.artifacts.map((a: { name: string }) => a.name)).toEqual(["foo"]);
    const bad = dflowEnv({ DFLOW_INLINE_BUNDLE_LIMIT: "64k" }, "compile", "examples/hello.ts");
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim()).toBe('dflow: the inline bundle limit must be a number of bytes >= 0 (or Infinity), got DFLOW_INLINE_BUNDLE_LIMIT="64k"');
  });

  it("--upload-bundles puts them in the repository, where `dflow run <manifest>` finds them", () => {
    const root = mkdtempSync(path.join(tmpdir(), "dflow-cli-bundles-"));
    const r = dflowEnv({ DFLOW_ROOT: root }, "compile", "--upload-bundles", "examples/hello.ts");
    expect(r.stderr).toBe("");
    const hash = templateOf(parse(r.stdout), "duplicate").metadata.annotations["dflow-ts/bundle-hash"];
    expect(readFileSync(path.join(root, ".storage", "dflow-bundles", `${hash}.cjs`), "utf8")).toContain("runOp");
    const file = path.join(root, "hello.yaml");
    writeFileSync(file, r.stdout);
    const run = dflowEnv({ DFLOW_ROOT: root }, "run", "--root", root, file);
    expect(run.stdout).toMatch(/^hello-[a-z0-9]{5} Succeeded$/m);
    expect(run.status).toBe(0);
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
