import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/shared.ts";

const root = mkdtempSync(path.join(tmpdir(), "dflow-cli-"));
const dflow = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, "bin/dflow.js"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });

describe("dflow run / list / status / logs", () => {
  let id = "";

  it("runs a TypeScript workflow module to completion and prints its id and phase", () => {
    const r = dflow("run", "--root", root, "examples/hello.ts");
    expect(r.status).toBe(0);
    const m = /^(hello-[a-z0-9]{5}) Succeeded$/m.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    id = m![1]!;
    expect(r.stderr).toMatch(/steps: 3 done, 0 running, 0 pending, 0 failed/);
  });

  it("lists runs and shows a run's steps", () => {
    const list = dflow("list", "--root", root);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(id);
    const status = dflow("status", "--root", root, id);
    expect(status.status).toBe(0);
    for (const step of ["make-file", "s1", "s2"]) expect(status.stdout).toMatch(new RegExp(`^${step}\\s.*Succeeded`, "m"));
  });

  it("prints a step's log", () => {
    const logs = dflow("logs", "--root", root, id, "make-file");
    expect(logs.status).toBe(0);
    const all = dflow("logs", "--root", root, id);
    expect(all.status).toBe(0);
    const missing = dflow("logs", "--root", root, id, "nope");
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim()).toBe(`dflow: run ${id} has no pod step "nope"`);
  });

  it("runs a plain Argo manifest, and on failure names the failing step, its log tail and its record", () => {
    const file = path.join(root, "fail.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Workflow",
        "metadata: { generateName: fail- }",
        "spec:",
        "  entrypoint: main",
        "  templates:",
        "    - name: main",
        "      steps: [[{ name: ok, template: echo }], [{ name: boom, template: boom }]]",
        "    - name: echo",
        "      container: { image: alpine, command: [sh, -c, 'echo fine'] }",
        "    - name: boom",
        "      script: { image: alpine, command: [sh], source: 'echo going down >&2; exit 3' }",
      ].join("\n"),
    );
    const r = dflow("run", "--root", root, file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^fail-[a-z0-9]{5} Failed$/m);
    expect(r.stderr).toContain("boom");
    expect(r.stderr).toContain("going down");
    expect(r.stderr).toContain(path.join(root, ""));
  });

  it("rejects a bad manifest before running anything, without a stack trace", () => {
    const file = path.join(root, "bad.yaml");
    writeFileSync(file, "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: bad }\nspec:\n  entrypoint: nope\n  templates: [{ name: main, container: { image: a, command: [true] } }]\n");
    const r = dflow("run", "--root", root, file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^dflow: .*nope/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
