// resumeWorkflow: an interrupted run continues without re-running finished steps.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWorkflowRecord, resumeWorkflow, startWorkflow } from "../../src/engine/index.ts";
import { sh, step, tempRoot, workflow } from "./helpers.ts";

const counted = (name: string, script: string) =>
  sh(name, `echo ${name} >> "$COUNT"; ${script}`, { outputs: { parameters: [{ name: "o", valueFrom: { path: "/out/o" } }] } });

function chainWorkflow() {
  return workflow("main", [
    {
      name: "main",
      steps: [
        [{ name: "a", template: "a" }],
        [{ name: "b", template: "b", arguments: { parameters: [{ name: "x", value: "{{steps.a.outputs.parameters.o}}" }] } }],
        [{ name: "c", template: "c", arguments: { parameters: [{ name: "x", value: "{{steps.b.outputs.parameters.o}}" }] } }],
      ],
      outputs: { parameters: [{ name: "final", valueFrom: { parameter: "{{steps.c.outputs.parameters.o}}" } }] },
    },
    counted("a", "mkdir -p /out && date +%s%N > /out/o"),
    { ...counted("b", 'if [ ! -f "$FLAG" ]; then sleep 30; fi; mkdir -p /out && echo "b-{{inputs.parameters.x}}" > /out/o'), inputs: { parameters: [{ name: "x" }] } },
    { ...counted("c", 'mkdir -p /out && echo "c-{{inputs.parameters.x}}" > /out/o'), inputs: { parameters: [{ name: "x" }] } },
  ]);
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("resume", () => {
  it("keeps finished steps and their outputs, re-runs the interrupted one", async () => {
    const root = tempRoot();
    const count = join(root, "count");
    const flag = join(root, "flag");
    const env = { COUNT: count, FLAG: flag };
    let bRunning = false;
    const run = startWorkflow(chainWorkflow(), {
      root,
      id: "r1",
      env,
      parallelism: 2,
      onEvent: (e) => {
        if (e.type === "step" && e.step.name === "b" && e.step.phase === "Running") bRunning = true;
      },
    });
    await until(() => bRunning && existsSync(count) && readFileSync(count, "utf8").includes("b"));
    run.kill(); // as a crash leaves it: the record says Running
    const crashed = readWorkflowRecord(run.dir);
    expect(crashed.phase).toBe("Running");
    const aBefore = crashed.steps.find((s) => s.name === "a")!;
    expect(aBefore.phase).toBe("Succeeded");
    expect(crashed.steps.find((s) => s.name === "b")!.phase).toBe("Running");

    writeFileSync(flag, "");
    const resumed = await resumeWorkflow(run.dir, { env, parallelism: 2 });
    const result = await resumed.done;
    expect(result.phase).toBe("Succeeded");
    expect(readFileSync(count, "utf8").trim().split("\n")).toEqual(["a", "b", "b", "c"]);
    const a = step(result, "a");
    expect(a.outputs.parameters.o).toBe(aBefore.outputs.parameters.o);
    expect(step(result, "c").outputs.parameters.o).toBe(`c-b-${a.outputs.parameters.o}`);
    expect(result.record.steps.find((s) => s.name === "r1")!.outputs.parameters.final).toBe(`c-b-${a.outputs.parameters.o}`);
    // the record on disk agrees, and step directories were reused
    expect(readWorkflowRecord(run.dir)).toEqual(result.record);
    expect(readFileSync(join(step(result, "b").dir!, "phase"), "utf8").trim()).toBe("Succeeded");
    expect(result.record.steps.filter((s) => s.dir).map((s) => s.dir).length).toBe(new Set(result.record.steps.filter((s) => s.dir).map((s) => s.dir)).size);
    // resuming a run that succeeded changes nothing
    const again = await (await resumeWorkflow(run.dir)).done;
    expect(again.phase).toBe("Succeeded");
    expect(readFileSync(count, "utf8").trim().split("\n")).toEqual(["a", "b", "b", "c"]);
  });

  it("re-runs failed and terminated steps of a finished run; one engine per run", async () => {
    const root = tempRoot();
    const count = join(root, "count");
    const flag = join(root, "flag");
    const env = { COUNT: count, FLAG: flag };
    const wf = workflow("main", [
      { name: "main", steps: [[{ name: "a", template: "a" }], [{ name: "f", template: "f" }]] },
      counted("a", "mkdir -p /out && echo 1 > /out/o"),
      counted("f", 'mkdir -p /out && echo 2 > /out/o; test -f "$FLAG"'),
    ]);
    const first = await startWorkflow(wf, { root, id: "r2", env }).done;
    expect(first.phase).toBe("Failed");
    writeFileSync(flag, "");
    const second = await (await resumeWorkflow(first.dir, { env })).done;
    expect(second.phase).toBe("Succeeded");
    expect(readFileSync(count, "utf8").trim().split("\n")).toEqual(["a", "f", "f"]);

    // a run that is still going cannot be resumed by another engine
    const slow = startWorkflow(workflow("main", [sh("main", "sleep 30")]), { root, id: "r3" });
    await until(() => existsSync(join(slow.dir, "journal.jsonl")));
    await expect(resumeWorkflow(slow.dir)).rejects.toThrow(/in use by another engine|still running/);
    await slow.terminate();
    const terminated = readWorkflowRecord(slow.dir);
    expect(terminated).toMatchObject({ phase: "Failed", message: "terminated" });
  });

  it("resumes looped steps: only the interrupted child runs again, aggregated outputs stay", { timeout: 60_000 }, async () => {
    const root = tempRoot();
    const count = join(root, "count");
    const env = { COUNT: count };
    const wf = workflow("main", [
      {
        name: "main",
        steps: [[{ name: "l", template: "w", withSequence: { count: "6" }, arguments: { parameters: [{ name: "i", value: "{{item}}" }] } }], [{ name: "g", template: "g", arguments: { parameters: [{ name: "all", value: "{{steps.l.outputs.parameters.o}}" }] } }]],
      },
      { ...counted("w", 'if [ "{{inputs.parameters.i}}" = 5 ] && [ ! -f "$COUNT.go" ]; then sleep 30; fi; mkdir -p /out && echo "v{{inputs.parameters.i}}" > /out/o'), inputs: { parameters: [{ name: "i" }] } },
      { ...sh("g", "echo '{{inputs.parameters.all}}'"), inputs: { parameters: [{ name: "all" }] } },
    ]);
    const run = startWorkflow(wf, { root, id: "r4", env, parallelism: 3 });
    await until(() => existsSync(count) && readFileSync(count, "utf8").trim().split("\n").length >= 6);
    await new Promise((r) => setTimeout(r, 300));
    run.kill();
    writeFileSync(`${count}.go`, "");
    const result = await (await resumeWorkflow(run.dir, { env, parallelism: 3 })).done;
    expect(result.phase).toBe("Succeeded");
    expect(readFileSync(count, "utf8").trim().split("\n").length).toBe(7); // only the hung child ran again
    expect(step(result, "g").outputs.result).toBe('["v0","v1","v2","v3","v4","v5"]');
  });
});
