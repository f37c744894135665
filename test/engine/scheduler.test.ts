import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Template } from "../../src/argo/manifest.ts";
import { names, run, sh, step, workflow } from "./helpers.ts";

const echo: Template = {
  name: "echo",
  inputs: { parameters: [{ name: "m" }] },
  container: { image: "alpine", command: ["echo", "{{inputs.parameters.m}}"] },
};
const fail = sh("fail", "echo boom; exit 3");
const task = (name: string, more: object = {}) => ({ name, template: "echo", arguments: { parameters: [{ name: "m", value: name }] }, ...more });

describe("steps", () => {
  it("runs groups in sequence and the steps of a group in parallel", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [
              { name: "a", template: "sleep" },
              { name: "b", template: "sleep" },
            ],
            [{ name: "c", template: "sleep" }],
          ],
        },
        sh("sleep", "sleep 0.5; date +%s%N"),
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    const t = (n: string) => Number(step(r, n).outputs.result) / 1e6;
    expect(Math.abs(t("a") - t("b"))).toBeLessThan(400);
    expect(t("c") - Math.max(t("a"), t("b"))).toBeGreaterThan(400);
    expect(r.record.steps.filter((s) => s.type === "StepGroup").map((s) => s.name)).toEqual(["[0]", "[1]"]);
  });

  it("stops after a failed group unless continueOn covers it", async () => {
    const r = await run(workflow("main", [{ name: "main", steps: [[{ name: "f", template: "fail" }], [task("after")]] }, fail, echo]));
    expect(r.phase).toBe("Failed");
    expect(step(r, "f").message).toBe("Error (exit code 3)");
    expect(names(r)).toEqual(["f"]);
    const ok = await run(
      workflow("main", [
        { name: "main", steps: [[{ name: "f", template: "fail", continueOn: { failed: true } }], [{ ...task("after"), arguments: { parameters: [{ name: "m", value: "{{steps.f.exitCode}}" }] } }]] },
        fail,
        echo,
      ]),
    );
    expect(ok.phase).toBe("Succeeded");
    expect(step(ok, "after").outputs.result).toBe("3");
  });

  it("recurses 150 templates deep without growing the stack", async () => {
    const r = await run(
      workflow(
        "down",
        [
          {
            name: "down",
            inputs: { parameters: [{ name: "n" }] },
            steps: [
              [
                { name: "leaf", template: "echo", arguments: { parameters: [{ name: "m", value: "{{inputs.parameters.n}}" }] }, when: "{{inputs.parameters.n}} == 0" },
                { name: "next", template: "down", arguments: { parameters: [{ name: "n", value: "{{=asInt(inputs.parameters.n) - 1}}" }] }, when: "{{inputs.parameters.n}} > 0" },
              ],
            ],
          },
          echo,
        ],
        { arguments: { parameters: [{ name: "n", value: "150" }] } },
      ),
    );
    expect(r.phase).toBe("Succeeded");
    expect(r.record.steps.filter((s) => s.type === "Steps")).toHaveLength(151);
    expect(r.record.steps.find((s) => s.name === "leaf" && s.type === "Pod")?.outputs.result).toBe("0");
  }, 60_000);

  it("limits concurrency with template parallelism", async () => {
    const r = await run(
      workflow("main", [
        { name: "main", parallelism: 2, steps: [[{ name: "s", template: "sleep", withItems: [1, 2, 3, 4] }]] },
        sh("sleep", "date +%s%N; sleep 0.4"),
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    const starts = r.record.steps.filter((s) => s.type === "Pod").map((s) => Number(s.outputs.result) / 1e6).sort();
    expect(starts[2]! - starts[0]!).toBeGreaterThan(300);
  });
});

describe("dag", () => {
  it("orders tasks by depends and passes outputs", async () => {
    const r = await run(
      workflow("d", [
        {
          name: "d",
          dag: {
            tasks: [
              task("A"),
              { ...task("B"), depends: "A", arguments: { parameters: [{ name: "m", value: "got {{tasks.A.outputs.result}}" }] } },
              { ...task("C"), dependencies: ["A", "B"] },
            ],
          },
        },
        echo,
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    expect(step(r, "B").outputs.result).toBe("got A");
    expect(Date.parse(step(r, "C").startedAt!)).toBeGreaterThanOrEqual(Date.parse(step(r, "B").finishedAt!));
  });

  it("evaluates depends results (.Failed, ||, !) and omits what cannot run", async () => {
    const r = await run(
      workflow("d", [
        {
          name: "d",
          dag: {
            tasks: [
              { name: "F", template: "fail" },
              { ...task("onFail"), depends: "F.Failed" },
              { ...task("onOk"), depends: "F.Succeeded" },
              { ...task("either"), depends: "F.Succeeded || F.Failed" },
              { ...task("not"), depends: "!F.Succeeded" },
              { ...task("afterOmitted"), depends: "onOk" },
            ],
          },
        },
        echo,
        fail,
      ]),
    );
    // F's failure is handled by onFail's depends, so the DAG succeeds.
    expect(r.phase).toBe("Succeeded");
    expect(step(r, "onFail").phase).toBe("Succeeded");
    expect(step(r, "either").phase).toBe("Succeeded");
    expect(step(r, "not").phase).toBe("Succeeded");
    expect(step(r, "onOk").phase).toBe("Omitted");
    expect(step(r, "afterOmitted").phase).toBe("Omitted");
  });

  it("failFast stops scheduling, failFast: false runs the other branches", async () => {
    const tasks = [
      { name: "F", template: "fail" },
      { ...task("slow"), template: "slow" },
      { ...task("afterSlow"), depends: "slow" },
    ];
    const templates = [echo, fail, { ...sh("slow", "sleep 0.5"), inputs: { parameters: [{ name: "m" }] } }];
    const fast = await run(workflow("d", [{ name: "d", dag: { tasks } }, ...templates]));
    expect(fast.phase).toBe("Failed");
    expect(names(fast)).toEqual(["F", "slow"]);
    const slow = await run(workflow("d", [{ name: "d", dag: { tasks, failFast: false } }, ...templates]));
    expect(slow.phase).toBe("Failed");
    expect(names(slow)).toEqual(["F", "afterSlow", "slow"]);
  });

  it("runs only the target and what it needs", async () => {
    const r = await run(
      workflow("d", [{ name: "d", dag: { target: "C", tasks: [task("A"), task("B"), { ...task("C"), depends: "A" }] } }, echo]),
    );
    expect(names(r)).toEqual(["A", "C"]);
  });

  it("resolves template outputs from tasks (valueFrom.parameter and expression)", async () => {
    const r = await run(
      workflow("d", [
        {
          name: "d",
          dag: { tasks: [task("A")] },
          outputs: {
            parameters: [
              { name: "p", valueFrom: { parameter: "{{tasks.A.outputs.result}}!" } },
              { name: "e", valueFrom: { expression: "tasks.A.outputs.result + '?'" } },
            ],
          },
        },
        echo,
      ]),
    );
    const root = r.record.steps.find((s) => s.type === "DAG")!;
    expect(root.outputs.parameters).toEqual({ p: "A!", e: "A?" });
    expect(readFileSync(join(root.dir!, "outputs", "parameters", "p"), "utf8")).toBe("A!");
  });
});
