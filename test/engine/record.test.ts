import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_PARAMETER } from "../../src/argo/dflow-conventions.ts";
import { readWorkflowRecord, startWorkflow, type EngineEvent } from "../../src/engine/index.ts";
import { run, sh, tempRoot, workflow } from "./helpers.ts";

describe("on-disk record", () => {
  it("uses dflow's debug-mode layout, key-named step dirs and a replayable journal", async () => {
    const events: EngineEvent[] = [];
    const r = await run(
      workflow("m", [
        {
          name: "m",
          steps: [[{ name: "hello", template: "t", arguments: { parameters: [{ name: KEY_PARAMETER, value: "key-{{item}}" }, { name: "v", value: "{{item}}" }] }, withItems: [1, 2] }]],
        },
        sh("t", "echo 3/4 > $ARGO_PROGRESS_FILE; echo {{inputs.parameters.v}} > /tmp/o", {
          inputs: { parameters: [{ name: KEY_PARAMETER }, { name: "v" }] },
          outputs: { parameters: [{ name: "o", valueFrom: { path: "/tmp/o" } }] },
        }),
      ]),
      { onEvent: (e) => events.push(e) },
    );
    expect(r.phase).toBe("Succeeded");
    expect(readFileSync(join(r.dir, "status"), "utf8").trim()).toBe("Succeeded");
    expect(existsSync(join(r.dir, "workflow.json"))).toBe(true);
    const dir = join(r.dir, "key-1");
    for (const f of ["inputs/parameters/v", "outputs/parameters/o", "phase", "type", "script", "log.txt", "workdir"]) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, "phase"), "utf8").trim()).toBe("Succeeded");
    expect(readFileSync(join(dir, "type"), "utf8").trim()).toBe("Pod");
    expect(readFileSync(join(dir, "outputs/parameters/o"), "utf8")).toBe("1");
    const pod = r.record.steps.find((s) => s.key === "key-2")!;
    expect(pod).toMatchObject({ name: "hello(1:2)", progress: "3/4", type: "Pod", dir: join(r.dir, "key-2") });
    // Replaying the journal gives what the live run reported.
    expect(readWorkflowRecord(r.dir)).toEqual(r.record);
    expect(events.some((e) => e.type === "step" && e.change === "progress")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "workflow", phase: "Succeeded" });
  });

  it("is readable while running, and ids follow Argo (generateName + 5 chars)", async () => {
    const root = tempRoot();
    const running = startWorkflow(workflow("s", [sh("s", "sleep 0.6")]), { root });
    expect(running.id).toMatch(/^t-[a-z0-9]{5}$/);
    await new Promise((res) => setTimeout(res, 300));
    const mid = readWorkflowRecord(running.dir);
    expect(mid.phase).toBe("Running");
    expect(mid.steps[0]!.phase).toBe("Running");
    await running.done;
    expect(readWorkflowRecord(running.dir).phase).toBe("Succeeded");
    expect(readdirSync(root)).toEqual([running.id]);
  });
});
