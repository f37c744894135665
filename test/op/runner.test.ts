import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FunctionOPTemplate, Slices, type Workflow } from "../../src/index.ts";
import type { Template } from "../../src/argo/manifest.ts";
import { EXIT } from "../../src/argo/dflow-conventions.ts";
import { runLikePod } from "../helpers/pod.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { flaky } from "../../examples/ops/math.ts";
import { makeFiles, measure } from "../../examples/ops/files.ts";
import { liar, wf as unexportedWf } from "../fixtures/unexported-op.ts";

/** A compiled template with its bundle inline (test/compile/bundle-artifact.test.ts runs the artifact form). */
function templateOf(wf: Workflow<any>, name: string): Template {
  const t = wf.compile({ inlineBundleLimit: Infinity }).spec.templates!.find((x) => x.name === name);
  if (!t) throw new Error(`no template ${name}`);
  return t;
}
function single(template: FunctionOPTemplate<any, any, any>): Template {
  return template.build({ bundle: "inline", nameOf: (t) => t.name, stepTemplateName: (s) => s.template.name, addTemplate: (n) => n });
}

// The bundles are run exactly as a pod runs them: `node <script>`, no dflow-ts installed.
describe("function-OP bundle run like a pod", () => {
  it("runs the OP, writing output parameters and artifacts with their index", () => {
    const t = single(duplicate);
    const r = runLikePod(t, { msg: "hi", num: "3" }, { foo: "hello\n" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(r.root, "outputs/parameters/msg"), "utf8")).toBe("hihihi");
    expect(readFileSync(path.join(r.root, "outputs/artifacts/bar/bar.txt"), "utf8")).toBe("hello\n");
    const index = JSON.parse(readFileSync(path.join(r.root, "outputs/artifacts/bar/.dflow-artifact.json"), "utf8"));
    expect(index).toEqual({ shape: "path", items: "bar.txt" });
  });

  it("rejects inputs that break the signature, naming OP, field, expected and received", () => {
    const r = runLikePod(single(duplicate), { msg: "hi", num: "three" }, { foo: "x" });
    expect(r.status).toBe(EXIT.signature);
    expect(r.stderr).toContain('OP "duplicate" got bad inputs');
    expect(r.stderr).toMatch(/input parameter "num".*expected number.*received "three"/);
  });

  it("reports a missing input artifact", () => {
    const r = runLikePod(single(duplicate), { msg: "hi", num: "1" });
    expect(r.status).toBe(EXIT.signature);
    expect(r.stderr).toMatch(/input artifact "foo": missing/);
  });

  it("checks outputs after run", () => {
    const r = runLikePod(single(liar), {});
    expect(r.status).toBe(EXIT.signature);
    expect(r.stderr).toMatch(/output parameter "n".*expected number/);
    expect(existsSync(path.join(r.root, "outputs/parameters/n"))).toBe(false);
  });

  it("maps TransientError and FatalError to their exit codes", () => {
    const t = single(flaky);
    expect(runLikePod(t, { fail: "transient" }).status).toBe(EXIT.transient);
    expect(runLikePod(t, { fail: "fatal" }).status).toBe(EXIT.fatal);
    expect(runLikePod(t, { fail: "never" }).status).toBe(0);
  });

  it("finds an OP its module does not export", () => {
    const t = templateOf(unexportedWf, "hidden");
    const r = runLikePod(t, { n: "21" });
    expect(r.stderr).toBe("");
    expect(readFileSync(path.join(r.root, "outputs/parameters/double"), "utf8")).toBe("42");
  });

  it("gives each slice its element of sliced inputs", () => {
    const sliced = new FunctionOPTemplate(measure, { slices: new Slices({ inputParameter: ["name"], outputParameter: ["size"] }) });
    const t = single(sliced);
    const env = Object.fromEntries(t.script!.env!.map((e) => [e.name, e.value]));
    expect(env.DFLOW_SLICE).toBe("{{inputs.parameters.dflow_slice}}");
    const r = runLikePod(t, { name: '["first","second"]', dflow_slice: "1" }, { file: "12345" });
    expect(r.stderr).toBe("");
    expect(readFileSync(path.join(r.root, "outputs/parameters/size"), "utf8")).toBe("5");
    expect(readFileSync(path.join(r.root, "work/second.report"), "utf8")).toBe("second: 5\n");
    const bad = runLikePod(t, { name: '["only"]', dflow_slice: "3" }, { file: "x" });
    expect(bad.status).toBe(EXIT.signature);
    expect(bad.stderr).toMatch(/has 1 elements, no slice 3/);
  });

  it("writes a sliced output artifact as its part of a stack, under its slice's directory with createDir", () => {
    const sliced = new FunctionOPTemplate(measure, { slices: new Slices({ inputParameter: ["name"], outputArtifact: ["report"], createDir: true }) });
    const t = single(sliced);
    // Saved unarchived under the loop's prefix, which the init step hands to every child.
    expect(t.outputs!.artifacts!.find((a) => a.name === "report")).toMatchObject({ archive: { none: {} }, s3: { key: "{{inputs.parameters.dflow_artifact_key}}/report" } });
    const r = runLikePod(t, { name: '["first","second","third"]', dflow_slice: "2", dflow_artifact_key: "wf/init" }, { file: "12345" });
    expect(r.stderr).toBe("");
    const out = path.join(r.root, "outputs/artifacts/report");
    expect(readFileSync(path.join(out, "2/third.report"), "utf8")).toBe("third: 5\n");
    expect(JSON.parse(readFileSync(path.join(out, ".dflow-slices/2.json"), "utf8"))).toEqual({ shape: "path", items: "2/third.report" });
    expect(existsSync(path.join(out, ".dflow-artifact.json"))).toBe(false);
  });

  it("passes list artifacts with their shape", () => {
    const t = single(makeFiles);
    const r = runLikePod(t, { count: "2" });
    expect(r.stderr).toBe("");
    const index = JSON.parse(readFileSync(path.join(r.root, "outputs/artifacts/files/.dflow-artifact.json"), "utf8"));
    expect(index).toEqual({ shape: "paths", items: ["data/part-0.txt", "data/part-1.txt"] });
    expect(readFileSync(path.join(r.root, "outputs/parameters/names"), "utf8")).toBe('["part-0.txt","part-1.txt"]');
  });
});
