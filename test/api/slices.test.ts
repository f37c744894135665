import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DAG, FunctionOPTemplate, Slices, Step, Task, uploadArtifact, ValidationError, Workflow } from "../../src/index.ts";
import { makeFiles, measure } from "../../examples/ops/files.ts";
import { gather, hello, prepare } from "../../examples/ops/stack.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared } from "../helpers/shared.ts";

// Slices beyond the examples (examples/slices.ts, subpath-slices.ts): the init step's place in
// Steps and DAGs, loops inferred from the sliced inputs, and the errors a user gets before
// anything runs. Runs are on the local engine, from the compiled manifest.
const root = mkdtempSync(path.join(tmpdir(), "dflow-slices-"));

const stackedMeasure = new FunctionOPTemplate(measure, {
  slices: new Slices({ inputParameter: ["name"], inputArtifact: ["file"], outputParameter: ["size"], outputArtifact: ["report"] }),
});
const subPathHello = new FunctionOPTemplate(hello, {
  slices: new Slices({ subPath: true, inputParameter: ["msg"], inputArtifact: ["foo"], outputArtifact: ["bar"], createDir: true }),
});

async function runIt(wf: Workflow<any>): Promise<string> {
  await wf.submit({ root, parallelism: 2 });
  return wf.wait();
}
const param = async (wf: Workflow<any>, name: string, p: string) => (await wf.queryStep({ name }))[0]?.outputs.parameters[p]?.value;

describe("Slices in a DAG", () => {
  const build = () => {
    const dag = new DAG({ name: "inner" });
    const files = new Task({ name: "make-files", template: makeFiles, parameters: { count: 3 } });
    const m = new Task({ name: "measure", template: stackedMeasure, parameters: { name: files.outputs.parameters.names }, artifacts: { file: files.outputs.artifacts.files } });
    const g = new Task({ name: "gather", template: gather, artifacts: { reports: m.outputs.artifacts.report } });
    dag.add([files, m, g]);
    const wf = new Workflow({ name: "sliced-dag" });
    wf.add(new Step({ name: "main", template: dag }));
    return wf;
  };

  it("puts the init task between the producer and the sliced task; consumers read the stack from it", () => {
    const m = build().compile({ bundle: "omit" });
    const tasks = m.spec.templates!.find((t) => t.name === "inner")!.dag!.tasks;
    const byName = Object.fromEntries(tasks.map((t) => [t.name, t]));
    expect(byName["measure-init-slices"]!.dependencies).toEqual(["make-files"]);
    expect(byName["measure"]!.dependencies).toEqual(["make-files", "measure-init-slices"]);
    // No withParam given: the loop is inferred from the first sliced parameter.
    expect(byName["measure"]!.withParam).toContain("tasks['make-files'].outputs.parameters['names']");
    expect(byName["gather"]!.dependencies).toEqual(["measure"]);
    expect(byName["gather"]!.arguments!.artifacts).toEqual([{ name: "reports", from: "{{tasks.measure-init-slices.outputs.artifacts.report}}" }]);
    if (hasShared) expect(argoErrors(m)).toBe("");
  });

  it("runs: the stack holds one report per slice, in order", async () => {
    const wf = build();
    expect(await runIt(wf)).toBe("Succeeded");
    expect(await param(wf, "gather", "text")).toBe("part-0.txt: 7; part-1.txt: 7; part-2.txt: 7");
  });
});

describe("loops inferred from sliced inputs", () => {
  it("a static list parameter gives one child per element", async () => {
    const wf = new Workflow({ name: "static-slices" });
    const files = new Step({ name: "make-files", template: makeFiles, parameters: { count: 3 } });
    const m = new Step({ name: "measure", template: stackedMeasure, parameters: { name: ["a", "b", "c"] }, artifacts: { file: files.outputs.artifacts.files } });
    wf.add(files);
    wf.add(m);
    wf.add(new Step({ name: "gather", template: gather, artifacts: { reports: m.outputs.artifacts.report } }));
    const step = wf.compile({ bundle: "omit" }).spec.templates![0]!.steps!.flat().find((s) => s.name === "measure")!;
    expect(step.withParam).toBe("[0,1,2]");
    expect(await runIt(wf)).toBe("Succeeded");
    expect(await param(wf, "gather", "text")).toBe("a: 7; b: 7; c: 7");
  });

  it("sliced artifacts alone: the init step lists them and the loop runs over its list", async () => {
    const onlyArt = new FunctionOPTemplate(hello, { slices: new Slices({ inputArtifact: ["foo"], outputArtifact: ["bar"], createDir: true }) });
    const wf = new Workflow({ name: "artifact-slices" });
    const prep = new Step({ name: "prepare", template: prepare, parameters: { count: 3 } });
    const h = new Step({ name: "hello", template: onlyArt, parameters: { msg: "hi" }, artifacts: { foo: prep.outputs.artifacts.foo } });
    wf.add(prep);
    wf.add(h);
    wf.add(new Step({ name: "check", template: gather, artifacts: { reports: h.outputs.artifacts.bar } }));
    expect(await runIt(wf)).toBe("Succeeded");
    expect(await param(wf, "check", "text")).toBe("hi got foo 0; hi got foo 1; hi got foo 2");
  });

  it("subPath slices over an uploaded list (archive: null) fetch one element each", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "dflow-slices-up-"));
    const prev = process.cwd();
    process.chdir(work);
    try {
      mkdirSync("in");
      for (let i = 0; i < 3; i++) writeFileSync(`in/x${i}.txt`, `x ${i}\n`);
      const foo = await uploadArtifact(["in/x0.txt", "in/x1.txt", "in/x2.txt"], { archive: null });
      const wf = new Workflow({ name: "uploaded-subpath" });
      const h = new Step({ name: "hello", template: subPathHello, parameters: { msg: ["a", "b", "c"] }, artifacts: { foo } });
      wf.add(h);
      wf.add(new Step({ name: "check", template: gather, artifacts: { reports: h.outputs.artifacts.bar } }));
      await wf.submit({ parallelism: 2 });
      expect(await wf.wait()).toBe("Succeeded");
      expect(await param(wf, "check", "text")).toBe("a got x 0; b got x 1; c got x 2");
      for (const k of await wf.queryStep({ name: /hello\(.*\)/ })) {
        expect(readFileSync(path.resolve("dflow-runs", wf.id!, k.inputs.artifacts.foo!.path), "utf8")).toBe(`x ${k.inputs.parameters.dflow_slice!.value}\n`);
      }
    } finally {
      process.chdir(prev);
    }
  });

  it("sliced inputs of different lengths fail in the init step, naming each length", async () => {
    const wf = new Workflow({ name: "slices-mismatch" });
    const prep = new Step({ name: "prepare", template: prepare, parameters: { count: 3 } });
    wf.add(prep);
    wf.add(new Step({ name: "hello", template: subPathHello, parameters: { msg: ["only", "two"] }, artifacts: { foo: prep.outputs.artifacts.foo } }));
    expect(await runIt(wf)).toBe("Failed");
    const [init] = await wf.queryStep({ name: "hello-init-slices" });
    expect(init!.phase).toBe("Failed");
    const log = readFileSync(path.join(root, wf.id!, "hello-init-slices", "log.txt"), "utf8");
    expect(log).toContain('sliced inputs must have the same length: input artifact "foo" has 3, input parameter "msg" has 2');
    expect(await wf.queryStep({ name: /hello\(.*\)/ })).toHaveLength(0);
  });
});

describe("bad Slices usage is refused before anything runs", () => {
  const prep = () => new Step({ name: "prepare", template: prepare, parameters: { count: 2 } });

  it("subPath mode sets the loop itself", () => {
    const p = prep();
    const wf = new Workflow({ name: "bad" });
    wf.add(p);
    wf.add(new Step({ name: "hello", template: subPathHello, parameters: { msg: p.outputs.parameters.msg }, artifacts: { foo: p.outputs.artifacts.foo }, withParam: [0, 1] }));
    expect(() => wf.compile({ bundle: "omit" })).toThrow(/step "hello": subPath slices set the loop themselves.*remove withParam/);
  });

  it("subPath mode needs the sliced artifact unarchived", () => {
    const files = new Step({ name: "make-files", template: makeFiles, parameters: { count: 2 } });
    const wf = new Workflow({ name: "bad" });
    wf.add(files);
    wf.add(new Step({ name: "hello", template: subPathHello, parameters: { msg: files.outputs.parameters.names }, artifacts: { foo: files.outputs.artifacts.files } }));
    let err: unknown;
    try {
      wf.compile({ bundle: "omit" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/input artifact "foo".*output artifact "files" of step "make-files" is stored as tar\.gz; declare it Artifact\.paths\(\{ archive: null \}\)/);
  });

  it("a sliced step needs a loop or a sliced input to infer one", () => {
    const wf = new Workflow({ name: "bad" });
    const files = new Step({ name: "make-files", template: makeFiles, parameters: { count: 1 } });
    const outOnly = new FunctionOPTemplate(measure, { slices: new Slices({ outputArtifact: ["report"] }) });
    wf.add(files);
    wf.add(new Step({ name: "m", template: outOnly, parameters: { name: "x" }, artifacts: { file: files.outputs.artifacts.files as never } }));
    expect(() => wf.compile({ bundle: "omit" })).toThrow(/step "m" uses the sliced OP template "measure" but has no withParam/);
  });
});

describe("reusing slices of a failed sliced loop", () => {
  it("runs only the failed slice again; the reused slices put their parts back into the new stack", async () => {
    const { label } = await import("../fixtures/slice-ops.ts");
    const log = path.join(mkdtempSync("/var/tmp/dflow-slice-reuse-"), "runs.log");
    writeFileSync(log, "");
    const sliced = new FunctionOPTemplate(label, { slices: new Slices({ inputParameter: ["name"], outputArtifact: ["out"] }) });
    const build = (failOn: string) => {
      const wf = new Workflow({ name: "reuse-slices" });
      const s = new Step({ name: "label", template: sliced, parameters: { name: ["a", "b", "c"], failOn, log }, key: "label-{{item}}" });
      wf.add(s);
      wf.add(new Step({ name: "gather", template: gather, artifacts: { reports: s.outputs.artifacts.out } }));
      return wf;
    };
    const first = build("b");
    expect(await runIt(first)).toBe("Failed");
    const done = await first.queryStep({ key: ["label-0", "label-1", "label-2"], phase: "Succeeded" });
    expect(done.map((s) => s.key).sort()).toEqual(["label-0", "label-2"]);

    const second = build("none");
    await second.submit({ root, parallelism: 2, reuseStep: done });
    expect(await second.wait()).toBe("Succeeded");
    expect(readFileSync(log, "utf8").trim().split("\n").sort()).toEqual(["a", "b", "b", "c"]); // only b ran again
    expect(await param(second, "gather", "text")).toBe("label a; label b; label c");
  });
});

describe("slices with continueOnNumSuccess", () => {
  it("an inferred loop counts its children; the stack holds the parts of those that succeeded", async () => {
    const { label } = await import("../fixtures/slice-ops.ts");
    const log = path.join(mkdtempSync("/var/tmp/dflow-slice-ratio-"), "runs.log");
    const sliced = new FunctionOPTemplate(label, { slices: new Slices({ inputParameter: ["name"], outputArtifact: ["out"] }) });
    const build = (need: number) => {
      const wf = new Workflow({ name: "slices-ratio" });
      const s = new Step({ name: "label", template: sliced, parameters: { name: ["a", "b", "c"], failOn: "b", log }, continueOnNumSuccess: need });
      wf.add(s);
      wf.add(new Step({ name: "gather", template: gather, artifacts: { reports: s.outputs.artifacts.out } }));
      return wf;
    };
    const ok = build(2);
    if (hasShared) expect(argoErrors(ok.compile({ bundle: "omit" }))).toBe("");
    expect(await runIt(ok)).toBe("Succeeded");
    expect(await param(ok, "gather", "text")).toBe("label a; label c");
    const notEnough = build(3);
    expect(await runIt(notEnough)).toBe("Failed");
    expect((await notEnough.queryStep({ name: "label-success-check" }))[0]!.phase).toBe("Failed");
  });
});

describe("two sliced steps calling one template", () => {
  it("get an init step each, and each stack holds its own step's parts", async () => {
    const wf = new Workflow({ name: "two-sliced" });
    const files = new Step({ name: "make-files", template: makeFiles, parameters: { count: 2 } });
    const m1 = new Step({ name: "m1", template: stackedMeasure, parameters: { name: ["a", "b"] }, artifacts: { file: files.outputs.artifacts.files } });
    const m2 = new Step({ name: "m2", template: stackedMeasure, parameters: { name: ["c", "d"] }, artifacts: { file: files.outputs.artifacts.files } });
    wf.add(files);
    wf.add([m1, m2]);
    wf.add([
      new Step({ name: "g1", template: gather, artifacts: { reports: m1.outputs.artifacts.report } }),
      new Step({ name: "g2", template: gather, artifacts: { reports: m2.outputs.artifacts.report } }),
    ]);
    const m = wf.compile({ bundle: "omit" });
    expect(m.spec.templates!.map((t) => t.name).filter((n) => n.includes("init-slices"))).toEqual(["measure-init-slices", "measure-init-slices-2"]);
    if (hasShared) expect(argoErrors(m)).toBe("");
    expect(await runIt(wf)).toBe("Succeeded");
    expect(await param(wf, "g1", "text")).toBe("a: 7; b: 7");
    expect(await param(wf, "g2", "text")).toBe("c: 7; d: 7");
  });
});
