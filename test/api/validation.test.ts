import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  argoSequence,
  DAG,
  DflowError,
  FunctionOPTemplate,
  InputArtifact,
  InputParameter,
  OutputArtifact,
  OutputParameter,
  ShellOPTemplate,
  Slices,
  Step,
  Steps,
  Task,
  ValidationError,
  Workflow,
} from "../../src/index.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { measure } from "../../examples/ops/files.ts";
import { plusOne, square } from "../../examples/ops/math.ts";
import { brokenImport } from "../fixtures/broken-import-op.ts";

const echo = new ShellOPTemplate({
  name: "echo",
  script: "echo {{inputs.parameters.msg}} > /tmp/o",
  inputs: { parameters: { msg: new InputParameter(), opt: new InputParameter({ value: "d" }) }, artifacts: { f: new InputArtifact({ optional: true }) } },
  outputs: { parameters: { out: new OutputParameter({ valueFromPath: "/tmp/o" }) }, artifacts: { a: new OutputArtifact({ path: "/tmp/o" }) } },
});
const compile = (wf: Workflow<any>) => wf.compile({ bundle: "omit" });
const wfWith = (...steps: Step<any, any>[]) => {
  const wf = new Workflow({ name: "w" });
  for (const s of steps) wf.add(s);
  return wf;
};

// Every bad input is refused before anything runs, with a message naming the element and the rule.
describe("bad input is rejected when the workflow is built or compiled", () => {
  it("unknown parameter, naming the template's declared ones", () => {
    expect(() => new Step({ name: "s", template: echo, parameters: { msg: "x", nope: 1 } as never })).toThrow(
      'step "s": unknown parameter "nope" for template "echo" (declared: msg, opt)',
    );
  });
  it("missing required parameter and artifact", () => {
    expect(() => new Step({ name: "s", template: echo })).toThrow('step "s": missing parameter "msg" required by template "echo"');
    expect(() => new Step({ name: "s", template: duplicate, parameters: { msg: "a", num: 1 } })).toThrow(/missing artifact "foo"/);
  });
  it("unknown artifact, and a parameter reference passed as an artifact", () => {
    const a = new Step({ name: "a", template: echo, parameters: { msg: "x" } });
    expect(() => new Step({ name: "s", template: echo, parameters: { msg: "x" }, artifacts: { g: a.outputs.artifacts.a } as never })).toThrow(/unknown artifact "g"/);
    expect(() => new Step({ name: "s", template: echo, parameters: { msg: "x" }, artifacts: { f: a.outputs.parameters.out as never } })).toThrow(/artifact "f" must be/);
  });
  it("static values that break the OP's schema", () => {
    expect(() => new Step({ name: "s", template: square, parameters: { x: "seven" as never } })).toThrow(/parameter "x" of OP "square": .*expected number.*received "seven"/);
    expect(() => new Step({ name: "s", template: plusOne, parameters: { iter: 1.5 } })).toThrow(/parameter "iter"/);
  });
  it("sliced parameters take lists of valid elements, and need a loop", () => {
    const sliced = new FunctionOPTemplate(measure, { slices: new Slices({ inputParameter: ["name"] }) });
    const files = new Step({ name: "f", template: echo, parameters: { msg: "x" } });
    expect(() => new Step({ name: "s", template: sliced, parameters: { name: "one" as never }, artifacts: { file: files.outputs.artifacts.a }, withParam: [0] })).toThrow(/is sliced, so it takes a list/);
    expect(() => new Step({ name: "s", template: sliced, parameters: { name: ["a", 2 as never] }, artifacts: { file: files.outputs.artifacts.a }, withParam: [0] })).toThrow(/parameter "name"\[1\]/);
    // No loop: dflow infers it from the first sliced input; without one to count there is no loop to infer.
    const inferred = new Step({ name: "s", template: sliced, parameters: { name: ["a"] }, artifacts: { file: files.outputs.artifacts.a } });
    expect(compile(wfWith(files, inferred)).spec.templates![0]!.steps![1]![0]!.withParam).toBe("[0]");
    const outOnly = new FunctionOPTemplate(measure, { slices: new Slices({ outputParameter: ["size"] }) });
    const noLoop = new Step({ name: "s", template: outOnly, parameters: { name: "a" }, artifacts: { file: files.outputs.artifacts.a } });
    expect(() => compile(wfWith(files, noLoop))).toThrow(/sliced OP template "measure" but has no withParam/);
    expect(() => new Slices({ inputParameter: ["nope" as never] }).check("measure", { parameters: ["name"], artifacts: [] }, { parameters: [], artifacts: [] })).toThrow(/input parameter "nope" is not in the OP's signature/);
    expect(() => new FunctionOPTemplate(measure, { slices: new Slices({ outputArtifact: ["nope"] }) })).toThrow(/output artifact "nope"/);
  });
  it("unknown outputs of a step", () => {
    const a = new Step({ name: "a", template: echo, parameters: { msg: "x" } });
    expect(() => (a.outputs.parameters as Record<string, unknown>).nope).toThrow('step "a" has no output parameter "nope" (template "echo" declares: out)');
  });
  it("references to steps that run later or elsewhere", () => {
    const a = new Step({ name: "a", template: echo, parameters: { msg: "x" } });
    const b = new Step({ name: "b", template: echo, parameters: { msg: a.outputs.parameters.out } });
    expect(() => compile(wfWith(b, a))).toThrow(/step "b" parameter "msg": references step "a", which does not run before it/);
    const wf = new Workflow({ name: "w" });
    wf.add([a, b]);
    expect(() => compile(wf)).toThrow(/does not run before it/);
    const outsider = new Step({ name: "c", template: echo, parameters: { msg: new Step({ name: "z", template: echo, parameters: { msg: "y" } }).outputs.parameters.out } });
    expect(() => compile(wfWith(outsider))).toThrow(/references step "z", which is not part of Steps "w"/);
    expect(() => compile(wfWith(new Step({ name: "t", template: echo, parameters: { msg: "{{steps.ghost.outputs.result}}" } })))).toThrow(/references steps.ghost, but Steps "w" has no step "ghost"/);
    expect(() => compile(wfWith(new Step({ name: "t", template: echo, parameters: { msg: "x" }, when: "{{tasks.a.outputs.result}} == 1" })))).toThrow(/uses \{\{tasks.a…\}\} inside a Steps template/);
  });
  it("inputs of another template, and undeclared inputs in strings", () => {
    const other = new Steps({ name: "other", inputs: { parameters: { p: new InputParameter() } } });
    const s = new Step({ name: "s", template: echo, parameters: { msg: other.inputs.parameters.p } });
    expect(() => compile(wfWith(s))).toThrow(/uses an input parameter that is not declared by Steps "w"/);
    expect(() => compile(wfWith(new Step({ name: "s", template: echo, parameters: { msg: "{{inputs.parameters.nope}}" } })))).toThrow(/references inputs.parameters.nope, which Steps "w" does not declare/);
  });
  it("dependency cycles in a DAG, naming the cycle", () => {
    const dag = new DAG({ name: "d" });
    const a = new Task({ name: "a", template: echo, parameters: { msg: "{{tasks.c.outputs.parameters.out}}" } });
    const b = new Task({ name: "b", template: echo, parameters: { msg: a.outputs.parameters.out } });
    const c = new Task({ name: "c", template: echo, parameters: { msg: b.outputs.parameters.out } });
    dag.add([a, b, c]);
    expect(() => compile(new Workflow({ name: "w", dag }))).toThrow('DAG "d": dependency cycle a -> c -> b -> a');
    const self = new Task({ name: "s", template: echo, parameters: { msg: "{{tasks.s.outputs.result}}" } });
    expect(() => compile(new Workflow({ name: "w", dag: new DAG({ name: "d2", tasks: [self] }) }))).toThrow(/depends on itself/);
    const ghost = new Task({ name: "g", template: echo, parameters: { msg: "x" }, dependencies: ["missing"] });
    expect(() => compile(new Workflow({ name: "w", dag: new DAG({ name: "d3", tasks: [ghost] }) }))).toThrow(/depends on "missing", which is not a task of DAG "d3"/);
  });
  it("duplicate names, wrong kinds and empty containers", () => {
    const a = new Step({ name: "a", template: echo, parameters: { msg: "x" } });
    const a2 = new Step({ name: "a", template: echo, parameters: { msg: "y" } });
    expect(() => wfWith(a, a2)).toThrow(/duplicate step name "a"/);
    expect(() => new Steps({ name: "s" }).add(new Task({ name: "t", template: echo, parameters: { msg: "x" } }) as never)).toThrow(/a Task belongs in a DAG/);
    expect(() => compile(new Workflow({ name: "empty" }))).toThrow(/Steps "empty" has no steps/);
    expect(() => new Workflow({ name: "w", steps: new Steps({ name: "a" }), dag: new DAG({ name: "b" }) })).toThrow(/steps or dag, not both/);
  });
  it("bad loops, timeouts and ratios", () => {
    const base = { name: "s", template: echo, parameters: { msg: "{{item}}" } } as const;
    expect(() => compile(wfWith(new Step({ ...base, withParam: "not json" })))).toThrow(/withParam: "not json" is neither a JSON list nor a/);
    expect(() => compile(wfWith(new Step({ ...base, withParam: '{"a":1}' })))).toThrow(/is not a JSON list/);
    expect(() => new Step({ ...base, withParam: [1], withItems: [2] })).toThrow(/only one of withParam, withSequence, withItems/);
    expect(() => argoSequence({ count: 1, end: 2 })).toThrow(/either count or end/);
    expect(() => new Step({ ...base, timeout: 0 })).toThrow(/timeout must be a positive number/);
    expect(() => new Step({ ...base, continueOnSuccessRatio: 1.5 })).toThrow(/continueOnSuccessRatio must be in \(0, 1\]/);
  });
  it("templates with outputs that have no source", () => {
    expect(() => new ShellOPTemplate({ name: "t", script: "", outputs: { parameters: { p: new OutputParameter() } } }).build()).toThrow(/output parameter "p" needs valueFromPath/);
    const steps = new Steps({ name: "st", outputs: { parameters: { p: new OutputParameter() } } });
    steps.add(new Step({ name: "a", template: echo, parameters: { msg: "x" } }));
    expect(() => compile(new Workflow({ name: "w", steps }))).toThrow(/Steps "st" output parameter "p": set valueFromParameter/);
    expect(() => new ShellOPTemplate({ name: "t", script: "", inputs: { parameters: { p: "x" as never } } })).toThrow(/input parameter "p" must be a InputParameter/);
  });
  it("bad names anywhere", () => {
    expect(() => new Workflow({ name: "Hello_World" })).toThrow(/invalid workflow name "Hello_World"/);
    expect(() => new Step({ name: "a_b", template: echo, parameters: { msg: "x" } })).toThrow(/invalid step name "a_b"/);
    expect(() => new Step({ name: "a", template: echo, parameters: { msg: "x" }, key: "Bad_Key" })).toThrow(/invalid key name "Bad_Key"/);
    expect(() => new ShellOPTemplate({ name: "t", script: "", inputs: { parameters: { "a b": new InputParameter() } } })).toThrow(/invalid parameter name "a b"/);
    expect(() => new Workflow({ name: "w", parameters: { "x.y": 1 } })).toThrow(/invalid parameter name "x.y"/);
  });
  it("an OP module that cannot be bundled names the import", () => {
    const wf = wfWith(new Step({ name: "s", template: brokenImport }));
    expect(() => wf.compile()).toThrow(DflowError);
    expect(() => wf.compile()).toThrow(/cannot bundle OP "broken-import".*\n.*Could not resolve "no-such-package-dflow"/);
  });
  it("all of these are ValidationErrors the CLI prints without a stack", () => {
    try {
      new Step({ name: "s", template: echo });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).userFacing).toBe(true);
      expect((e as ValidationError).rule).toBe("missing-input");
    }
  });
});

describe("packages shipped into script steps", () => {
  it("refuses missing paths and binary files, naming them", async () => {
    const { PythonScriptOPTemplate } = await import("../../src/index.ts");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const missing = new PythonScriptOPTemplate({ name: "p", script: "", packages: ["/nope/pkg"] });
    expect(() => missing.build()).toThrow('template "p": package "/nope/pkg" does not exist');
    const dir = mkdtempSync(join(tmpdir(), "pkg-"));
    writeFileSync(join(dir, "blob.bin"), Buffer.from([1, 0, 2]));
    expect(() => new PythonScriptOPTemplate({ name: "p", script: "", packages: [dir] }).build()).toThrow(/blob.bin is binary/);
  });
});
