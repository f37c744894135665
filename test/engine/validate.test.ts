import { describe, expect, it } from "vitest";
import type { Template, Workflow } from "../../src/argo/manifest.ts";
import { ValidationError, startWorkflow } from "../../src/engine/index.ts";
import { parseDepends } from "../../src/engine/depends.ts";
import { parseDuration } from "../../src/engine/duration.ts";
import { sh, tempRoot, workflow } from "./helpers.ts";

const fails = (wf: Workflow, message: RegExp) => {
  const root = tempRoot();
  expect(() => startWorkflow(wf, { root })).toThrow(ValidationError);
  expect(() => startWorkflow(wf, { root })).toThrow(message);
};
const echo = sh("echo", "echo hi");
const dag = (tasks: object[]): Template => ({ name: "d", dag: { tasks: tasks as never } });

describe("validation before anything runs", () => {
  it("names the element and the rule", () => {
    fails({ ...workflow("x", [echo]), spec: { templates: [echo] } }, /spec\.entrypoint: is required/);
    fails(workflow("nope", [echo]), /spec\.entrypoint: template "nope" not found/);
    fails(workflow("m", [{ name: "m", steps: [[{ name: "a", template: "missing" }]] }]), /templates\.m\.steps\[0\]\.a\.template: template "missing" not found/);
    fails(
      workflow("m", [{ name: "m", steps: [[{ name: "a", template: "echo" }, { name: "b", template: "echo", when: "{{steps.a.outputs.result}} == x" }]] }, echo]),
      /templates\.m\.steps\[0\]\.b: \{\{steps\.a\.outputs\.result\}\}: step "a" runs in the same or a later group/,
    );
    fails(workflow("m", [{ name: "m", steps: [[{ name: "a", template: "echo", when: "{{steps.zz.outputs.result}}" }]] }, echo]), /no step "zz" in this template/);
    fails(workflow("d", [dag([{ name: "A", template: "echo", depends: "B" }, { name: "B", template: "echo", depends: "A" }]), echo]), /dependency cycle: A -> B -> A/);
    fails(workflow("d", [dag([{ name: "A", template: "echo", depends: "C.Succeeded" }]), echo]), /templates\.d\.dag\.tasks\.A\.depends: no task "C"/);
    fails(workflow("d", [dag([{ name: "A", template: "echo", arguments: { parameters: [{ name: "m", value: "{{tasks.Q.outputs.result}}" }] } }]), echo]), /no task "Q" in this DAG/);
    fails(workflow("t", [sh("t", "echo {{inputs.parameters.nope}}")]), /templates\.t: \{\{inputs\.parameters\.nope\}\}: the template declares no input parameter "nope"/);
    fails(workflow("r", [{ name: "r", resource: { action: "create" } } as unknown as Template]), /templates\.r: template "r" creates a Kubernetes resource \(manifest\): this needs a Kubernetes cluster/);
    fails(workflow("echo", [echo], { arguments: { parameters: [{ name: "p" }] } }), /spec\.arguments\.parameters\.p: has no value/);
  });

  it("accepts parameters given at submission", async () => {
    const wf = workflow("t", [sh("t", "echo {{workflow.parameters.p}}")], { arguments: { parameters: [{ name: "p" }] } });
    const r = await startWorkflow(wf, { root: tempRoot(), parameters: { p: "given" } }).done;
    expect(r.record.steps[0]!.outputs.result).toBe("given");
  });

  it("parses depends expressions and durations", () => {
    expect(parseDepends("(A.Succeeded || B) && !C.Failed")).toMatchObject({ op: "and" });
    expect(() => parseDepends("A &&")).toThrow(/unexpected end/);
    expect(() => parseDepends("A B")).toThrow(/unexpected "B"/);
    expect(parseDuration("1m30s")).toBe(90);
    expect(parseDuration("500ms")).toBe(0.5);
    expect(parseDuration("10")).toBe(10);
    expect(() => parseDuration("10 parsecs")).toThrow(/invalid duration/);
  });
});
