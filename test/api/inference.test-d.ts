import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  Artifact,
  ArtifactRef,
  defineOp,
  InputParameter,
  OP,
  OutputParameter,
  ParameterRef,
  ShellOPTemplate,
  Step,
  Task,
  type RunInput,
  type RunOutput,
  FunctionOPTemplate,
} from "../../src/index.ts";

const square = defineOp({
  name: "square",
  inputs: { x: z.number(), label: z.string().default("sq"), data: Artifact.path({ optional: true }) },
  outputs: { y: z.number(), files: Artifact.paths() },
  run: (input) => {
    expectTypeOf(input).toEqualTypeOf<{ x: number; label: string; data: string | undefined }>();
    return { y: input.x * input.x, files: [] };
  },
});
const sum = defineOp({
  name: "sum",
  inputs: { values: z.array(z.number()), files: Artifact.paths() },
  outputs: { total: z.number(), one: Artifact.path() },
  run: ({ values }) => ({ total: values.length, one: "x" }),
});
const text = defineOp({
  name: "text",
  inputs: { s: z.string(), file: Artifact.path() },
  outputs: { s: z.string() },
  run: ({ s }) => ({ s }),
});

describe("function OP inference", () => {
  it("types run's input and output from the signature", () => {
    expectTypeOf<Parameters<typeof square.definition.run>[0]>().toEqualTypeOf<{ x: number; label: string; data: string | undefined }>();
    expectTypeOf<ReturnType<typeof sum.definition.run>>().toMatchTypeOf<{ total: number; one: string } | Promise<{ total: number; one: string }>>();
  });

  it("rejects a run that returns the wrong type", () => {
    defineOp({
      name: "bad",
      inputs: {},
      outputs: { n: z.number() },
      // @ts-expect-error n must be a number
      run: () => ({ n: "one" }),
    });
  });

  it("types step outputs as references of the output types", () => {
    const s = new Step({ name: "s", template: square, parameters: { x: 2 } });
    expectTypeOf(s.outputs.parameters.y).toEqualTypeOf<ParameterRef<number>>();
    expectTypeOf(s.outputs.artifacts.files).toEqualTypeOf<ArtifactRef<string[]>>();
  });

  it("makes outputs of a looped step lists", () => {
    const s = new Step({ name: "s", template: square, parameters: { x: "{{item}}" }, withParam: [1, 2] });
    expectTypeOf(s.outputs.parameters.y).toEqualTypeOf<ParameterRef<number[]>>();
    const t = new Task({ name: "t", template: square, parameters: { x: "{{item}}" }, withSequence: { count: 3 } });
    expectTypeOf(t.outputs.parameters.y).toEqualTypeOf<ParameterRef<number[]>>();
  });

  it("accepts matching wiring", () => {
    const a = new Step({ name: "a", template: square, parameters: { x: "{{item}}" }, withParam: [1, 2] });
    const b = new Step({ name: "b", template: square, parameters: { x: 3 } });
    new Step({ name: "c", template: sum, parameters: { values: a.outputs.parameters.y }, artifacts: { files: b.outputs.artifacts.files } });
    new Step({ name: "d", template: square, parameters: { x: b.outputs.parameters.y } });
  });

  it("rejects mismatched wiring at compile time", () => {
    const b = new Step({ name: "b", template: square, parameters: { x: 3 } });
    const c = new Step({ name: "c", template: sum, parameters: { values: [1] }, artifacts: { files: b.outputs.artifacts.files } });
    // @ts-expect-error number output into a number[] input
    new Step({ name: "d", template: sum, parameters: { values: b.outputs.parameters.y }, artifacts: { files: b.outputs.artifacts.files } });
    // @ts-expect-error number output into a string input
    new Step({ name: "e", template: text, parameters: { s: b.outputs.parameters.y }, artifacts: { file: c.outputs.artifacts.one } });
    // @ts-expect-error list-of-paths artifact into a single-path input
    new Step({ name: "f", template: text, parameters: { s: "x" }, artifacts: { file: b.outputs.artifacts.files } });
    // @ts-expect-error a static value of the wrong type
    new Step({ name: "g", template: square, parameters: { x: "three" } });
    // @ts-expect-error a required parameter is missing
    new Step({ name: "h", template: square, parameters: {} });
    // @ts-expect-error an unknown parameter
    new Step({ name: "i", template: square, parameters: { x: 1, nope: 2 } });
  });

  it("lets {{…}} strings through anywhere", () => {
    new Step({ name: "a", template: square, parameters: { x: "{{item}}" } });
    new Step({ name: "b", template: square, parameters: { x: "{{=asInt(inputs.parameters.n) + 1}}" } });
  });
});

describe("class OP inference", () => {
  const inSign = { msg: z.string(), n: z.number() };
  const outSign = { msg: z.string() };
  class Repeat extends OP<typeof inSign, typeof outSign> {
    static override inputSign() {
      return inSign;
    }
    static override outputSign() {
      return outSign;
    }
    execute(input: RunInput<typeof inSign>): RunOutput<typeof outSign> {
      return { msg: input.msg.repeat(input.n) };
    }
  }
  it("types the template built from a class", () => {
    const t = new FunctionOPTemplate(Repeat);
    const s = new Step({ name: "s", template: t, parameters: { msg: "a", n: 2 } });
    expectTypeOf(s.outputs.parameters.msg).toEqualTypeOf<ParameterRef<string>>();
    // @ts-expect-error n is a number
    new Step({ name: "x", template: t, parameters: { msg: "a", n: "2" } });
  });
});

describe("script templates", () => {
  const shell = new ShellOPTemplate({
    name: "sh",
    script: "echo",
    inputs: { parameters: { n: new InputParameter<number>(), any: new InputParameter() } },
    outputs: { parameters: { out: new OutputParameter<string>({ valueFromPath: "/tmp/o" }) } },
  });
  it("takes value types from typed parameters, anything from untyped ones", () => {
    const s = new Step({ name: "s", template: shell, parameters: { n: 1, any: { a: 1 } } });
    expectTypeOf(s.outputs.parameters.out).toEqualTypeOf<ParameterRef<string>>();
    // @ts-expect-error n is a number
    new Step({ name: "t", template: shell, parameters: { n: "x" } });
    // @ts-expect-error unknown output
    s.outputs.parameters.nope;
  });
});

describe("slices inference", () => {
  const measure = defineOp({
    name: "measure",
    inputs: { name: z.string(), file: Artifact.path(), unit: z.string() },
    outputs: { size: z.number(), report: Artifact.path() },
    run: ({ name }) => ({ size: name.length, report: "r" }),
  });
  it("sliced inputs take lists; sliced output artifacts stack into lists", async () => {
    const { Slices } = await import("../../src/index.ts");
    const sliced = new FunctionOPTemplate(measure, {
      slices: new Slices({ inputParameter: ["name"], inputArtifact: ["file"], outputArtifact: ["report"] }),
    });
    const files = new Step({ name: "f", template: square, parameters: { x: 1 } });
    const s = new Step({
      name: "m",
      template: sliced,
      parameters: { name: ["a", "b"], unit: "bytes" },
      artifacts: { file: files.outputs.artifacts.files },
      withParam: [0, 1],
    });
    expectTypeOf(s.outputs.parameters.size).toEqualTypeOf<ParameterRef<number[]>>();
    expectTypeOf(s.outputs.artifacts.report).toEqualTypeOf<ArtifactRef<string[]>>();
    // @ts-expect-error unit is not sliced: a single string
    new Step({ name: "n", template: sliced, parameters: { name: ["a"], unit: ["x"] }, artifacts: { file: files.outputs.artifacts.files }, withParam: [0] });
  });
});
