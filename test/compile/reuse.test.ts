// The reuse transform for Argo (src/compile/reuse.ts) as a manifest-to-manifest pass: its shape,
// its validity against Argo's schema, and what it refuses. What the manifest does when run is in
// reuse-semantics.test.ts.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_PARAMETER } from "../../src/argo/dflow-conventions.ts";
import type { Template, Workflow as Manifest, WorkflowStep } from "../../src/argo/manifest.ts";
import { REUSE_CARRIER_OF, REUSE_PARAMETER, REUSE_WRAPPER_OF, reuseTableOf, type ReuseTable } from "../../src/argo/reuse-conventions.ts";
import { applyReuse, exprString, tableText } from "../../src/compile/reuse.ts";
import { evaluateExpr, renderTemplate } from "../../src/engine/expr/index.ts";
import { DAG, InputArtifact, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, Task, Workflow } from "../../src/index.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { hasShared, repoRoot, SHARED_MISSING } from "../helpers/shared.ts";

const TABLE: ReuseTable = { "k-1": { from: "old-abc", parameters: { v: "1" }, artifacts: { out: "old/abc/out.tgz" } } };

const work = new ShellOPTemplate({
  name: "work",
  script: "echo {{inputs.parameters.x}} > /tmp/v; mkdir -p /tmp/o",
  inputs: { parameters: { x: new InputParameter(), opt: new InputParameter({ value: "d" }) }, artifacts: { inp: new InputArtifact({ path: "/tmp/in", optional: true }) } },
  outputs: {
    parameters: { v: new OutputParameter({ valueFromPath: "/tmp/v", default: "none" }) },
    artifacts: { out: new OutputArtifact({ path: "/tmp/o" }), maybe: new OutputArtifact({ path: "/tmp/m", optional: true }) },
  },
});
const quiet = new ShellOPTemplate({ name: "quiet", script: "true", inputs: { parameters: { x: new InputParameter() } } });

/** Keyed and unkeyed steps, a DAG, a loop, a success check, a timeout variant, continueOn. */
function rich(): Workflow {
  const dag = new DAG({ name: "inner-dag" });
  const t1 = new Task({ name: "t1", template: work, parameters: { x: "1" }, key: "t-1" });
  dag.add(t1);
  dag.add(new Task({ name: "t2", template: work, parameters: { x: t1.outputs.parameters.v }, artifacts: { inp: t1.outputs.artifacts.out }, key: "t-2" }));
  const wf = new Workflow({ name: "rich", parameters: { n: 2 } });
  const a = new Step({ name: "a", template: work, parameters: { x: "1" }, key: "k-1", continueOnFailed: true });
  wf.add(a);
  wf.add([
    new Step({ name: "b", template: work, parameters: { x: a.outputs.parameters.v }, artifacts: { inp: a.outputs.artifacts.out }, key: "k-{{workflow.parameters.n}}" }),
    new Step({ name: "loop", template: work, parameters: { x: "{{item}}" }, withParam: ["1", "2"], key: "loop-{{item}}" }),
    new Step({ name: "ratio", template: work, parameters: { x: "{{item}}" }, withParam: ["1", "2"], key: "ratio-{{item}}", continueOnSuccessRatio: 0.5 }),
    new Step({ name: "slow", template: work, parameters: { x: "1" }, key: "slow", timeout: 30 }),
    new Step({ name: "plain", template: work, parameters: { x: "1" } }),
    new Step({ name: "q", template: quiet, parameters: { x: "1" }, key: "q" }),
    new Step({ name: "dag", template: dag }),
  ]);
  return wf;
}

const template = (m: Manifest, name: string): Template => m.spec.templates!.find((t) => t.name === name)!;
const step = (m: Manifest, tmpl: string, name: string): WorkflowStep => template(m, tmpl).steps!.flat().find((s) => s.name === name)!;

describe("applyReuse (the Argo manifest of submit({ reuseStep }))", () => {
  it("routes keyed steps through a wrapper, leaves the rest and the input manifest alone", () => {
    const original = rich().compile({ bundle: "omit" });
    const before = structuredClone(original);
    const m = applyReuse(original, TABLE);
    expect(original).toEqual(before);
    expect(m.spec.arguments!.parameters).toEqual([{ name: "n", value: "2" }, { name: REUSE_PARAMETER, value: tableText(TABLE) }]);
    // Keyed steps call a wrapper; the call keeps its arguments, loop, continueOn.
    expect(step(m, "rich", "a")).toEqual({ ...step(original, "rich", "a"), template: "work-reusable" });
    expect(step(m, "rich", "b").template).toBe("work-reusable-2"); // passes an artifact: another signature
    expect(step(m, "rich", "loop")).toEqual({ ...step(original, "rich", "loop"), template: "work-reusable" });
    expect(step(m, "rich", "slow").template).toBe("work-timeout-30-reusable");
    expect(step(m, "rich", "q").template).toBe("quiet-reusable");
    expect(template(m, "inner-dag").dag!.tasks.map((t) => t.template)).toEqual(["work-reusable", "work-reusable-2"]);
    // Unkeyed steps are untouched. Under a success check the key belongs to each child (the
    // checked step inside the check's wrapper): that is what is wrapped, so a reused child
    // succeeds and counts as a success.
    expect(step(m, "rich", "plain")).toEqual(step(original, "rich", "plain"));
    const checked = step(original, "rich", "ratio").template!;
    expect(step(m, "rich", "ratio")).toEqual(step(original, "rich", "ratio"));
    expect(step(original, checked, "ratio").arguments!.parameters).toContainEqual({ name: KEY_PARAMETER, value: "{{inputs.parameters.dflow_wrapped_key}}" });
    expect(step(m, checked, "ratio").template).toMatch(/^work-reusable(-\d+)?$/);
    // Original templates are kept as they were, wrapped ones run inside the wrappers.
    for (const t of original.spec.templates!) if (![ "rich", "inner-dag", checked].includes(t.name)) expect(template(m, t.name)).toEqual(t);
  });

  it("wrapper: runs the template unless its key is in the table, else the carrier hands out the table's outputs", () => {
    const m = applyReuse(rich().compile({ bundle: "omit" }), TABLE);
    const w = template(m, "work-reusable-2");
    expect(w.metadata!.annotations![REUSE_WRAPPER_OF]).toBe("work");
    expect(w.inputs).toEqual({ parameters: [{ name: "x" }, { name: KEY_PARAMETER }], artifacts: [{ name: "inp", optional: true }] });
    const [[run, reused]] = w.steps! as [[WorkflowStep, WorkflowStep]];
    expect(run).toEqual({
      name: "run",
      template: "work",
      arguments: { parameters: [{ name: "x", value: "{{inputs.parameters.x}}" }, { name: KEY_PARAMETER, value: `{{inputs.parameters.${KEY_PARAMETER}}}` }], artifacts: [{ name: "inp", from: "{{inputs.artifacts.inp}}", optional: true }] },
      when: "{{=!(inputs.parameters.dflow_key in sprig.fromJson(workflow.parameters.dflow_reuse))}}",
    });
    expect(reused!.template).toBe("work-reused");
    expect(reused!.when).toBe("{{=inputs.parameters.dflow_key in sprig.fromJson(workflow.parameters.dflow_reuse)}}");
    expect(reused!.arguments!.parameters).toEqual([{ name: "v", value: "{{=sprig.fromJson(workflow.parameters.dflow_reuse)[inputs.parameters.dflow_key].parameters['v'] ?? 'none'}}" }]);
    expect(reused!.arguments!.artifacts!.map((a) => [a.name, a.s3!.key, a.optional])).toEqual([
      ["out", "{{=sprig.fromJson(workflow.parameters.dflow_reuse)[inputs.parameters.dflow_key].artifacts['out'] ?? ''}}", undefined],
      ["maybe", "{{=sprig.fromJson(workflow.parameters.dflow_reuse)[inputs.parameters.dflow_key].artifacts['maybe'] ?? ''}}", true],
    ]);
    expect(w.outputs!.parameters).toEqual([
      { name: "v", valueFrom: { expression: "steps['reused'].status == 'Succeeded' ? steps['reused'].outputs.parameters['v'] : steps['run'].outputs.parameters['v']", default: "none" } },
    ]);
    expect(w.outputs!.artifacts!.map((a) => [a.name, a.optional ?? false])).toEqual([
      ["out", false],
      ["maybe", true],
    ]);
    const c = template(m, "work-reused");
    expect(c.metadata!.annotations![REUSE_CARRIER_OF]).toBe("work");
    expect(c.inputs!.artifacts).toEqual([{ name: "out" }, { name: "maybe", optional: true }]);
    expect(c.outputs!.artifacts).toEqual([
      { name: "out", from: "{{inputs.artifacts.out}}" },
      { name: "maybe", optional: true, from: "{{inputs.artifacts.maybe}}" },
    ]);
    // A template without outputs needs no carrier.
    expect(template(m, "quiet-reusable").steps).toEqual([[expect.objectContaining({ name: "run", template: "quiet" })]]);
    expect(m.spec.templates!.some((t) => t.name === "quiet-reused")).toBe(false);
  });

  // Argo evaluates a Steps template's output expressions with its inputs and its steps only, not
  // the workflow's parameters (the local engine is more lenient): the wrapper and carrier must not
  // need them there.
  it("output expressions name only inputs and steps, as Argo's scope for them requires", () => {
    const m = applyReuse(rich().compile({ bundle: "omit" }), TABLE);
    const added = m.spec.templates!.filter((t) => t.metadata?.annotations?.[REUSE_WRAPPER_OF] ?? t.metadata?.annotations?.[REUSE_CARRIER_OF]);
    expect(added.length).toBeGreaterThan(2);
    for (const t of added) {
      for (const e of [...(t.outputs?.parameters ?? []).map((p) => p.valueFrom?.expression), ...(t.outputs?.artifacts ?? []).map((a) => a.fromExpression ?? a.from)]) {
        const names = e!.replace(/'(?:[^'\\]|\\.)*'/g, "''").match(/(?<![\w.])[A-Za-z_]\w*/g) ?? [];
        expect(names.every((n) => n === "inputs" || n === "steps"), `${t.name}: ${e}`).toBe(true);
      }
    }
  });

  it("refuses what a wrapper cannot give: outputs.result or exitCode of a keyed step, stacked sliced outputs", () => {
    const wf = new Workflow({ name: "res" });
    const a = new Step({ name: "a", template: quiet, parameters: { x: "1" }, key: "a" });
    wf.add(a);
    wf.add(new Step({ name: "b", template: quiet, parameters: { x: "{{steps.a.outputs.result}}" } }));
    expect(() => applyReuse(wf.compile({ bundle: "omit" }), TABLE)).toThrow(/keyed step "a" is referred to by its outputs.result or exitCode/);
    const stacked = rich().compile({ bundle: "omit" });
    template(stacked, "work").outputs!.artifacts![0]!.s3 = { key: "{{inputs.parameters.dflow_artifact_key}}/out" };
    expect(() => applyReuse(stacked, TABLE)).toThrow(/output artifact\(s\) "out" are saved at a location of their own/);
    const taken = rich().compile({ bundle: "omit" });
    taken.spec.arguments!.parameters!.push({ name: REUSE_PARAMETER, value: "x" });
    expect(() => applyReuse(taken, TABLE)).toThrow(/"dflow_reuse" is reserved/);
  });

  it("keeps derived template names unique and within the name limit", () => {
    const long = new ShellOPTemplate({ name: "a".repeat(57), script: "true", inputs: { parameters: { x: new InputParameter() } }, outputs: { parameters: { v: new OutputParameter({ value: "1" }) } } });
    const clash = new ShellOPTemplate({ name: `${"a".repeat(48)}-reusable`, script: "true" });
    const wf = new Workflow({ name: "names" });
    wf.add(new Step({ name: "s", template: long, parameters: { x: "1" }, key: "s" }));
    wf.add(new Step({ name: "c", template: clash }));
    const m = applyReuse(wf.compile({ bundle: "omit" }), TABLE);
    const names = m.spec.templates!.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.length <= 57 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n))).toBe(true);
    expect(step(m, "names", "s").template).toBe(`${"a".repeat(46)}-reusable-2`);
  });

  it("the table travels without {{ (Argo would substitute inside it) and reads back the same", () => {
    const table: ReuseTable = { "k{{x}}": { parameters: { p: "{{workflow.name}} {{{=1}}} }}{" }, artifacts: {} } };
    const text = tableText(table);
    expect(text).not.toContain("{{");
    expect(JSON.parse(text)).toEqual(table);
    const m = applyReuse(rich().compile({ bundle: "omit" }), table);
    expect(reuseTableOf(m)).toEqual(table);
    expect(evaluateExpr("sprig.fromJson(t)['k{{x}}'].parameters.p", { t: text })).toBe(table["k{{x}}"]!.parameters.p);
  });

  it("exprString: any text survives as an expr-lang literal inside a {{=…}} tag", () => {
    for (const s of ["", "plain", "it's", 'a "b"', "}} {{x}} {{=y}}", "back\\slash", "new\nline\ttab\u0001", "ünïcødé ✓ 😀"]) {
      expect(evaluateExpr(exprString(s), {})).toBe(s);
      expect(renderTemplate(`<{{=${exprString(s)}}}>`, {}, { onMissing: "error" })).toBe(`<${s}>`);
    }
  });
});

describe.skipIf(!hasShared)("applyReuse output is valid Argo", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});

  it("for a workflow with keyed steps of every kind", () => {
    expect(argoErrors(applyReuse(rich().compile({ bundle: "omit" }), TABLE))).toBe("");
  });

  const examples = readdirSync(path.join(repoRoot, "examples")).filter((f) => f.endsWith(".ts"));
  for (const file of examples) {
    it(`for examples/${file}`, async () => {
      const wf = ((await import(path.join(repoRoot, "examples", file))) as { default: Workflow<any> }).default;
      const prev = process.cwd();
      process.chdir(repoRoot);
      try {
        expect(argoErrors(applyReuse(wf.compile({ bundle: "omit" }), TABLE))).toBe("");
      } finally {
        process.chdir(prev);
      }
    });
  }
});


