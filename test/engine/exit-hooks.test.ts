import { describe, expect, it } from "vitest";
import { run, sh, step, workflow } from "./helpers.ts";

// Step/task-level exit handlers (Argo's exit-handler-step-level.yaml and lifecycle `hooks.exit`):
// a node `<step>.onExit` runs after the step, whatever its phase, with the step's results in scope.
describe("step and task exit handlers", () => {
  it("steps: onExit runs after each step, failed or not, and sees the step's status", async () => {
    const r = await run(
      workflow("main", [
        {
          name: "main",
          steps: [
            [
              { name: "ok", template: "echo", onExit: "bye" },
              { name: "bad", template: "fail", onExit: "bye", continueOn: { failed: true } },
            ],
            [{ name: "after", template: "echo" }],
          ],
        },
        sh("echo", "echo hi"),
        sh("fail", "exit 3"),
        sh("bye", "echo exit handler"),
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    expect(step(r, "ok.onExit").phase).toBe("Succeeded");
    expect(step(r, "ok.onExit").outputs.result).toBe("exit handler");
    expect(step(r, "bad.onExit").phase).toBe("Succeeded");
    expect(step(r, "bad").phase).toBe("Failed");
    // The handler ran before the next group started.
    expect(Date.parse(step(r, "ok.onExit").finishedAt!)).toBeLessThanOrEqual(Date.parse(step(r, "after").startedAt!));
  });

  it("dag: hooks.exit with arguments from the task's own results; each loop child gets its handler", async () => {
    const r = await run(
      workflow("d", [
        {
          name: "d",
          dag: {
            tasks: [
              {
                name: "t",
                template: "echo",
                withItems: ["a", "b"],
                hooks: { exit: { template: "report", arguments: { parameters: [{ name: "msg", value: "{{tasks.t.status}}: {{tasks.t.outputs.result}}" }] } } },
              } as never,
            ],
          },
        },
        sh("echo", "echo out"),
        sh("report", "echo '{{inputs.parameters.msg}}'", { inputs: { parameters: [{ name: "msg" }] } }),
      ]),
    );
    expect(r.phase).toBe("Succeeded");
    const hooks = r.record.steps.filter((s) => s.name.endsWith(".onExit"));
    expect(hooks.map((s) => s.name).sort()).toEqual(["t(0:a).onExit", "t(1:b).onExit"]);
    for (const h of hooks) expect(h.outputs.result).toBe("Succeeded: out");
  });

  it("workflow-level hooks.exit runs like onExit; hooks on other events are refused before anything runs", async () => {
    const r = await run(workflow("f", [sh("f", "echo x"), sh("bye", "echo {{workflow.status}}")], { hooks: { exit: { template: "bye" } } } as never));
    expect(step(r, `${r.id}.onExit`).outputs.result).toBe("Succeeded");
    const refused = await run(
      workflow("main", [{ name: "main", steps: [[{ name: "s", template: "f", hooks: { running: { expression: "true", template: "f" } } } as never]] }, sh("f", "echo x")]),
    ).catch((e: unknown) => e as Error);
    expect(String((refused as Error).message ?? (refused as { message?: string }).message)).toMatch(/hooks\.running: only the exit hook is supported by the local engine/);
  });
});
