import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startWorkflow } from "../../src/engine/index.ts";
import { run, sh, step, tempRoot, workflow } from "./helpers.ts";

describe("retryStrategy", () => {
  it("retries up to limit with backoff, then reports No more retries left", async () => {
    const t0 = Date.now();
    const r = await run(workflow("f", [sh("f", "date +%s%N; exit 2", { retryStrategy: { limit: "2", backoff: { duration: "200ms", factor: 2 } } })]));
    expect(r.phase).toBe("Failed");
    const retry = r.record.steps.find((s) => s.type === "Retry")!;
    expect(retry.message).toBe("No more retries left");
    expect(retry.children).toHaveLength(3);
    const starts = ["(0)", "(1)", "(2)"].map((n) => Number(r.record.steps.find((s) => s.name.endsWith(n))!.outputs.result) / 1e6);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(190);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(390);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("stops when the attempt succeeds, and passes its outputs", async () => {
    const root = tempRoot();
    const counter = join(root, "count");
    const r = await run(
      workflow("f", [sh("f", `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo try$n; [ $n -ge 2 ]`, { retryStrategy: { limit: 5 } })]),
    );
    expect(r.phase).toBe("Succeeded");
    expect(r.record.steps.find((s) => s.type === "Retry")!.outputs.result).toBe("try2");
  });

  it("follows retryStrategy.expression on lastRetry", async () => {
    const r = await run(workflow("f", [sh("f", "exit 1", { retryStrategy: { limit: 5, expression: "asInt(lastRetry.exitCode) > 1" } })]));
    expect(r.phase).toBe("Failed");
    expect(r.record.steps.filter((s) => s.type === "Pod")).toHaveLength(1);
  });
});

describe("deadlines and terminate", () => {
  it("kills a step's whole process group at its timeout", async () => {
    const root = tempRoot();
    const marker = join(root, "survivor");
    const r = await run(workflow("f", [sh("f", `(sleep 1.5; touch ${marker}) & sleep 30`, { timeout: "500ms" })]), { root });
    expect(r.phase).toBe("Failed");
    expect(step(r, r.id).message).toBe("Pod was active on the node longer than the specified deadline");
    await new Promise((res) => setTimeout(res, 1500));
    expect(existsSync(marker)).toBe(false);
  });

  it("fails the workflow at its timeout", async () => {
    const t0 = Date.now();
    const r = await run(workflow("f", [sh("f", "sleep 30")]), { timeoutSeconds: 0.5 });
    expect(r.phase).toBe("Failed");
    expect(r.message).toBe("Step exceeded its deadline");
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("terminate() marks running steps and the workflow Failed", async () => {
    const running = startWorkflow(
      workflow("m", [{ name: "m", steps: [[{ name: "a", template: "s" }, { name: "b", template: "s" }], [{ name: "c", template: "s" }]] }, sh("s", "sleep 30")]),
      { root: tempRoot() },
    );
    await new Promise((res) => setTimeout(res, 500));
    await running.terminate();
    const r = await running.done;
    expect(r.phase).toBe("Failed");
    expect(step(r, "a").message).toBe("terminated");
    expect(step(r, "b").phase).toBe("Failed");
    expect(r.record.steps.some((s) => s.name === "c")).toBe(false);
    expect(readFileSync(join(r.dir, "status"), "utf8").trim()).toBe("Failed");
  });

  it("runs onExit with workflow.status and workflow.failures", async () => {
    const r = await run(
      workflow("f", [sh("f", "exit 1"), sh("exit", "echo {{workflow.status}}; echo '{{workflow.failures}}'")], { onExit: "exit" }),
    );
    expect(r.phase).toBe("Failed");
    const out = step(r, `${r.id}.onExit`).outputs.result!.split("\n");
    expect(out[0]).toBe("Failed");
    expect(JSON.parse(out[1]!)[0]).toMatchObject({ displayName: r.id, phase: "Failed", templateName: "f" });
  });

  it("suspends for a duration", async () => {
    const t0 = Date.now();
    const r = await run(workflow("s", [{ name: "s", suspend: { duration: "300ms" } }]));
    expect(r.phase).toBe("Succeeded");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
