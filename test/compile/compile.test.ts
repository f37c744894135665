import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Template } from "../../src/argo/manifest.ts";
import {
  DAG,
  type Executor,
  InputParameter,
  OutputParameter,
  ShellOPTemplate,
  Step,
  Steps,
  Task,
  Workflow,
  argoRange,
  argoSequence,
  argoLen,
  ifExpression,
} from "../../src/index.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared } from "../helpers/shared.ts";
import { plusOne } from "../../examples/ops/math.ts";

const echo = (name = "echo") =>
  new ShellOPTemplate({
    name,
    script: "echo {{inputs.parameters.msg}} | tee /tmp/o",
    inputs: { parameters: { msg: new InputParameter({ value: "hi" }) } },
    outputs: { parameters: { out: new OutputParameter({ valueFromPath: "/tmp/o" }) } },
  });
const valid = (wf: Workflow<any>) => {
  const m = wf.compile({ bundle: "omit" });
  if (hasShared) expect(argoErrors(m)).toBe("");
  return m;
};
const tpl = (m: { spec: { templates?: Template[] } }, name: string) => m.spec.templates!.find((t) => t.name === name)!;

/** Wraps the script: what a Slurm executor does, in miniature. */
const wrap: Executor = {
  name: "wrapped",
  render: (t) => ({ ...t, script: { ...t.script!, source: `echo before\n${t.script!.source}` } }),
};

describe("compile", () => {
  it("collects each template once and renames distinct templates that share a name", () => {
    const a = echo();
    const b = echo(); // another object, same name
    const wf = new Workflow({ name: "w" });
    wf.add([new Step({ name: "a1", template: a }), new Step({ name: "a2", template: a }), new Step({ name: "b", template: b })]);
    const m = valid(wf);
    expect(m.spec.templates!.map((t) => t.name)).toEqual(["w", "echo", "echo-2"]);
    expect(m.spec.templates![0]!.steps![0]!.map((s) => s.template)).toEqual(["echo", "echo", "echo-2"]);
  });

  it("makes variant templates for step timeouts and executors, and applies the workflow context", () => {
    const e = echo();
    const wf = new Workflow({ name: "w", context: wrap });
    wf.add(new Step({ name: "t", template: e, timeout: 30 }));
    wf.add(new Step({ name: "plain", template: e }));
    const m = valid(wf);
    expect(tpl(m, "echo-timeout-30-wrapped").timeout).toBe("30s");
    expect(tpl(m, "echo-timeout-30-wrapped").script!.source).toMatch(/^echo before\n/);
    expect(tpl(m, "echo-wrapped").script!.source).toMatch(/^echo before\n/);
    expect(tpl(m, "echo").script!.source).not.toMatch(/before/); // the original stays as it was
  });

  it("refuses an executor on a Steps step", () => {
    const inner = new Steps({ name: "inner" });
    inner.add(new Step({ name: "x", template: echo() }));
    const wf = new Workflow({ name: "w" });
    wf.add(new Step({ name: "s", template: inner, executor: wrap }));
    expect(() => wf.compile()).toThrow(/an executor only applies to script\/container\/function templates, not steps/);
  });

  it("passes keys as dflow_key and declares it on the template", () => {
    const wf = new Workflow({ name: "w" });
    wf.add(new Step({ name: "k", template: plusOne, parameters: { iter: 1 }, key: "step-{{workflow.name}}" }));
    const m = valid(wf);
    expect(tpl(m, "w").steps![0]![0]!.arguments!.parameters).toContainEqual({ name: "dflow_key", value: "step-{{workflow.name}}" });
    expect(tpl(m, "plus-one").inputs!.parameters).toContainEqual({ name: "dflow_key", default: "" });
  });

  it("renders references, loops and expressions the way Argo reads them", () => {
    const steps = new Steps({ name: "main", inputs: { parameters: { xs: new InputParameter<number[]>({ value: [1, 2] }) } }, outputs: { parameters: { pick: new OutputParameter() } } });
    const a = new Step({ name: "a", template: echo(), parameters: { msg: "{{item}}" }, withParam: steps.inputs.parameters.xs });
    const b = new Step({ name: "b", template: echo(), parameters: { msg: "{{item}}" }, withSequence: argoSequence({ start: 1, end: argoLen(steps.inputs.parameters.xs), format: "n%02d" }) });
    const c = new Step({ name: "c", template: echo(), parameters: { msg: `${a.outputs.parameters.out}` }, withParam: argoRange(1, 4, 2), when: `${b.outputs.parameters.out} != ""` });
    steps.add(a).add(b).add(c);
    steps.outputs.parameters.pick.valueFromExpression = ifExpression({ _if: `${c.outputs.parameters.out} == '[]'`, _then: "none", _else: c.outputs.parameters.out });
    const m = valid(new Workflow({ name: "w", steps }));
    const [ga, gb, gc] = tpl(m, "main").steps!;
    expect(ga![0]!.withParam).toBe("{{inputs.parameters.xs}}");
    expect(gb![0]!.withSequence).toEqual({ start: "1", end: "{{=len(sprig.fromJson(inputs.parameters['xs']))}}", format: "n%02d" });
    expect(gc![0]!.withParam).toBe("{{=toJson(sprig.untilStep(1, 4, 2))}}");
    expect(gc![0]!.when).toBe('{{steps.b.outputs.parameters.out}} != ""');
    expect(tpl(m, "main").outputs!.parameters![0]!.valueFrom!.expression).toBe(
      "steps.c.outputs.parameters.out == '[]' ? \"none\" : steps['c'].outputs.parameters['out']",
    );
    expect(tpl(m, "main").inputs!.parameters![0]).toEqual({ name: "xs", default: "[1,2]" });
  });

  it("infers DAG dependencies from values nested in lists, objects and template strings", () => {
    const dag = new DAG({ name: "d" });
    const t1 = new Task({ name: "t1", template: plusOne, parameters: { iter: 1 } });
    const t2 = new Task({ name: "t2", template: plusOne, parameters: { iter: 2 } });
    const t3 = new Task({ name: "t3", template: plusOne, parameters: { iter: 3 } });
    const list = new ShellOPTemplate({ name: "list", script: "echo", inputs: { parameters: { xs: new InputParameter(), o: new InputParameter() } } });
    const t4 = new Task({
      name: "t4",
      template: list,
      parameters: { xs: [t1.outputs.parameters.iter], o: { a: { b: `x{{tasks.t2.outputs.parameters.iter}}` } } },
      when: `{{tasks.t3.outputs.parameters.iter}} > 1`,
    });
    dag.add([t1, t2, t3, t4]);
    const m = valid(new Workflow({ name: "w", dag }));
    expect(tpl(m, "d").dag!.tasks.find((t) => t.name === "t4")!.dependencies).toEqual(["t1", "t2", "t3"]);
    expect(tpl(m, "d").dag!.tasks.find((t) => t.name === "t4")!.arguments!.parameters![0]!.value).toBe('["{{tasks.t1.outputs.parameters.iter}}"]');
  });

  it("compiles workflow parameters, onExit and limits", () => {
    const wf = new Workflow({ name: "w", parameters: { n: 3, who: "me" }, onExit: echo("bye"), parallelism: 2, activeDeadlineSeconds: 60 });
    wf.add(new Step({ name: "s", template: plusOne, parameters: { iter: wf.inputs.parameters.n } }));
    const m = valid(wf);
    expect(m.spec.arguments).toEqual({ parameters: [{ name: "n", value: "3" }, { name: "who", value: "me" }] });
    expect(m.spec.onExit).toBe("bye");
    expect(m.spec.parallelism).toBe(2);
    expect(tpl(m, "w").steps![0]![0]!.arguments!.parameters![0]!.value).toBe("{{workflow.parameters.n}}");
  });

  it("compiles recursion: a Steps that calls itself", () => {
    const loop = new Steps({ name: "loop", inputs: { parameters: { i: new InputParameter<number>() } } });
    const inc = new Step({ name: "inc", template: plusOne, parameters: { iter: loop.inputs.parameters.i } });
    loop.add(inc);
    loop.add(new Step({ name: "again", template: loop, parameters: { i: inc.outputs.parameters.iter }, when: `${inc.outputs.parameters.iter} < 10` }));
    const m = valid(new Workflow({ name: "w", steps: loop }));
    expect(m.spec.templates!.map((t) => t.name)).toEqual(["loop", "plus-one"]);
    expect(tpl(m, "loop").steps![1]![0]!.template).toBe("loop");
  });

  it("treats zod defaults as optional inputs with Argo defaults", async () => {
    const { defineOp } = await import("../../src/index.ts");
    const { withDefault } = await import("../fixtures/default-op.ts");
    void defineOp;
    const wf = new Workflow({ name: "w" });
    wf.add(new Step({ name: "s", template: withDefault }));
    expect(tpl(valid(wf), "with-default").inputs!.parameters).toEqual([{ name: "n", default: "5" }]);
    void z;
  });
});

describe("slices in subPath mode", () => {
  it("lists the sliced artifact in an init step whose list is the loop; each child fetches its element by subPath", async () => {
    const { FunctionOPTemplate, Slices } = await import("../../src/index.ts");
    const { hello, prepare } = await import("../../examples/ops/stack.ts");
    const t = new FunctionOPTemplate(hello, { slices: new Slices({ subPath: true, inputParameter: ["msg"], inputArtifact: ["foo"] }) });
    const prep = new Step({ name: "prep", template: prepare, parameters: { count: 2 } });
    const wf = new Workflow({ name: "w" });
    wf.add(prep);
    wf.add(new Step({ name: "h", template: t, parameters: { msg: prep.outputs.parameters.msg }, artifacts: { foo: prep.outputs.artifacts.foo } }));
    const m = valid(wf);
    const [init] = tpl(m, "w").steps![1]!;
    expect(init!.name).toBe("h-init-slices");
    // Only the index of the list comes to the init step (the data stays in the repository).
    expect(init!.arguments!.artifacts).toEqual([
      { name: "dflow_index_foo", from: "{{steps.prep.outputs.artifacts.foo}}", subPath: ".dflow-artifact.json", optional: true },
      { name: "dflow_stack_foo", from: "{{steps.prep.outputs.artifacts.foo}}", subPath: ".dflow-slices", optional: true },
    ]);
    expect(init!.arguments!.parameters).toEqual([{ name: "msg", value: "{{steps.prep.outputs.parameters.msg}}" }]);
    const step = tpl(m, "w").steps![2]![0]!;
    expect(step.withParam).toBe("{{steps.h-init-slices.outputs.parameters.dflow_slices_path}}");
    expect(step.arguments!.parameters).toContainEqual({ name: "dflow_slice", value: "{{item.order}}" });
    expect(step.arguments!.artifacts).toEqual([{ name: "foo", from: "{{steps.prep.outputs.artifacts.foo}}", subPath: "{{item.foo}}" }]);
  });
});

describe("continueOnNumSuccess / continueOnSuccessRatio", () => {
  it("wraps the looped template, reports a tag per child and checks the count after the loop", async () => {
    const { flaky } = await import("../../examples/ops/math.ts");
    const dag = new DAG({ name: "d" });
    const fan = new Task({ name: "fan", template: flaky, parameters: { fail: "{{item}}" }, withItems: ["never", "fatal"], continueOnSuccessRatio: 0.5 });
    const after = new Task({ name: "after", template: flaky, parameters: { fail: "never" }, dependencies: [fan] });
    dag.add([fan, after]);
    const m = valid(new Workflow({ name: "w", dag }));
    const tasks = tpl(m, "d").dag!.tasks;
    expect(tasks.map((t) => [t.name, t.template, t.dependencies])).toEqual([
      ["fan", "flaky-fan-checked", undefined],
      ["fan-success-check", "dflow-check-success", ["fan"]],
      ["after", "flaky", ["fan", "fan-success-check"]],
    ]);
    const wrapper = tpl(m, "flaky-fan-checked");
    expect(wrapper.steps![0]![0]).toMatchObject({ name: "fan", template: "flaky", continueOn: { failed: true } });
    expect(wrapper.outputs!.parameters!.find((p) => p.name === "dflow_success_tag")!.valueFrom!.expression).toBe("steps['fan'].status == 'Succeeded' ? '1' : '0'");
    expect(() => new Workflow({ name: "w2" }).add(new Step({ name: "one", template: flaky, parameters: { fail: "never" }, continueOnNumSuccess: 1 })).compile()).toThrow(/apply to parallel steps/);
  });

  it("the check script passes and fails on the right counts", async () => {
    const { spawnSync } = await import("node:child_process");
    const { checkTemplate } = await import("../../src/compile/success-check.ts");
    const src = checkTemplate().script!.source;
    const run = (tags: string, mode: string, threshold: string) => {
      const s = src.replaceAll("{{inputs.parameters.tags}}", tags).replaceAll("{{inputs.parameters.mode}}", mode).replaceAll("{{inputs.parameters.threshold}}", threshold);
      return spawnSync("sh", ["-c", s], { encoding: "utf8" });
    };
    expect(run('["1","1","0","1"]', "ratio", "0.7").status).toBe(0);
    expect(run('["1","0","0","1"]', "ratio", "0.7").status).toBe(1);
    expect(run("[1,0,1,1]", "count", "3").status).toBe(0);
    const low = run('["1","0","0","0"]', "count", "3");
    expect(low.status).toBe(1);
    expect(low.stdout).toBe("1 of 4 parallel steps succeeded (count 3 needed)\n");
  });
});

describe("images", () => {
  it("function OPs use their own image, else config.defaultImage, else node:20-slim", async () => {
    const { config } = await import("../../src/index.ts");
    const build = (t: import("../../src/index.ts").FunctionOPTemplate<any, any, any>) => t.build({ bundle: "omit", nameOf: (x) => x.name, stepTemplateName: (s) => s.template.name, addTemplate: (n) => n });
    expect(build(plusOne).script!.image).toBe("node:20-slim");
    const prev = config.defaultImage;
    config.defaultImage = "registry.local/node:22";
    try {
      expect(build(plusOne).script!.image).toBe("registry.local/node:22");
      expect(build(plusOne.withOptions({ image: "mine:1" })).script!.image).toBe("mine:1");
    } finally {
      if (prev === undefined) delete config.defaultImage;
      else config.defaultImage = prev;
    }
  });
});
