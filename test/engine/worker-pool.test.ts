import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANNOTATION } from "../../src/argo/dflow-conventions.ts";
import type { Template } from "../../src/argo/manifest.ts";
import { WorkerPool } from "../../src/engine/worker-pool.ts";
import { run, step, tempRoot, workflow } from "./helpers.ts";

// A hand-written bundle following the function-OP protocol (what the compiler emits, in miniature).
const BUNDLE = `
const fs = require("fs"), path = require("path");
exports.runOp = async (env) => {
  const root = env.DFLOW_IO_ROOT || "/tmp";
  const x = JSON.parse(env.DFLOW_INPUT_0);
  fs.writeFileSync(env.ARGO_PROGRESS_FILE, "1/2");
  if (x === 13) process.exit(9);
  if (x === 99) await new Promise(() => setInterval(() => {}, 1000));
  if (x === 7) throw new Error("seven is not allowed");
  console.log("pid " + process.pid);
  console.error("x is " + x);
  fs.writeFileSync("made-here", "ok");
  let extra = "";
  const a = path.join(root, "inputs/artifacts/a");
  if (fs.existsSync(a)) extra = fs.readFileSync(a, "utf8");
  fs.mkdirSync(path.join(root, "outputs/parameters"), { recursive: true });
  fs.writeFileSync(path.join(root, "outputs/parameters/y"), JSON.stringify(x * 2) + extra);
  fs.mkdirSync(path.join(root, "outputs/artifacts"), { recursive: true });
  fs.writeFileSync(path.join(root, "outputs/artifacts/b"), "b" + x);
  return x === 3 ? 3 : 0;
};
if (require.main === module) exports.runOp(process.env).then((c) => process.exit(c));
`;

const fn = (extra: Partial<Template> = {}): Template => ({
  name: "fn",
  metadata: { annotations: { [ANNOTATION.opKind]: "function", [ANNOTATION.bundleHash]: "0123456789abcdef" } },
  inputs: { parameters: [{ name: "x" }], artifacts: [{ name: "a", path: "/tmp/inputs/artifacts/a", optional: true }] },
  outputs: {
    parameters: [{ name: "y", valueFrom: { path: "/tmp/outputs/parameters/y" } }],
    artifacts: [{ name: "b", path: "/tmp/outputs/artifacts/b" }],
  },
  script: { image: "node:20-slim", command: ["node"], source: BUNDLE, env: [{ name: "DFLOW_INPUT_0", value: "{{inputs.parameters.x}}" }] },
  ...extra,
});

const loop = (items: number[]) => ({
  name: "m",
  steps: [[{ name: "f", template: "fn", arguments: { parameters: [{ name: "x", value: "{{item}}" }] }, withItems: items }]],
});

describe("function OPs in warm workers", () => {
  it("runs steps in reused workers with the step dir as DFLOW_IO_ROOT", async () => {
    const r = await run(workflow("m", [loop([1, 2, 4, 5, 6, 8]), fn()]), { parallelism: 2 });
    expect(r.phase).toBe("Succeeded");
    const pods = r.record.steps.filter((s) => s.type === "Pod");
    const pids = new Set(pods.map((s) => s.outputs.result));
    expect(pids.size).toBeLessThanOrEqual(2);
    const s = step(r, "f(2:4)");
    expect(s.outputs.parameters.y).toBe("8");
    expect(s.progress).toBe("1/2");
    // stdout and stderr come through two pipes: both are in the log, their interleaving is not
    // guaranteed (no more than in a pod's log).
    const log = readFileSync(join(s.dir!, "log.txt"), "utf8");
    expect(log).toMatch(/^pid \d+$/m);
    expect(log).toMatch(/^x is 4$/m);
    expect(readFileSync(join(s.dir!, "workdir", "made-here"), "utf8")).toBe("ok");
    expect(readFileSync(join(s.dir!, "outputs", "artifacts", "b"), "utf8")).toBe("b4");
  });

  it("passes artifacts between function steps", async () => {
    const r = await run(
      workflow("m", [
        {
          name: "m",
          steps: [
            [{ name: "one", template: "fn", arguments: { parameters: [{ name: "x", value: "1" }] } }],
            [{ name: "two", template: "fn", arguments: { parameters: [{ name: "x", value: "2" }], artifacts: [{ name: "a", from: "{{steps.one.outputs.artifacts.b}}" }] } }],
          ],
        },
        fn(),
      ]),
    );
    expect(step(r, "two").outputs.parameters.y).toBe("4b1");
  });

  it("replaces a worker that crashes or hangs past the step timeout, and reports exit codes", async () => {
    const r = await run(workflow("m", [{ ...loop([13, 99, 7, 3, 1, 2]), parallelism: 1 }, fn({ timeout: "1s" })]), { parallelism: 2 });
    expect(r.phase).toBe("Failed");
    expect(step(r, "f(0:13)")).toMatchObject({ phase: "Failed", message: "Error (exit code 9)" });
    expect(readFileSync(join(step(r, "f(0:13)").dir!, "log.txt"), "utf8")).toMatch(/worker exited unexpectedly \(exit code 9\)/);
    expect(step(r, "f(1:99)")).toMatchObject({ phase: "Failed", message: "Pod was active on the node longer than the specified deadline" });
    expect(step(r, "f(2:7)")).toMatchObject({ phase: "Failed", message: "Error (exit code 1)" });
    expect(readFileSync(join(step(r, "f(2:7)").dir!, "log.txt"), "utf8")).toMatch(/seven is not allowed/);
    expect(step(r, "f(3:3)").outputs.exitCode).toBe("3");
    expect(step(r, "f(4:1)").phase).toBe("Succeeded");
    expect(step(r, "f(5:2)").outputs.parameters.y).toBe("4");
  });

  it("pool: one step at a time per worker, dead workers are replaced", async () => {
    const dir = tempRoot();
    const bundle = join(dir, "b.cjs");
    writeFileSync(bundle, BUNDLE);
    const pool = new WorkerPool(2, process.env as Record<string, string>);
    const job = (x: number) => ({ bundlePath: bundle, env: { DFLOW_INPUT_0: String(x), DFLOW_IO_ROOT: dir, ARGO_PROGRESS_FILE: join(dir, `p${x}`) }, cwd: dir, logPath: join(dir, `log${x}`) });
    const results = await Promise.all([1, 2, 4, 5].map((x) => pool.run(job(x))));
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
    expect(pool.workerCount).toBe(2);
    const before = pool.workerPids();
    expect((await pool.run(job(13))).exitCode).toBe(9);
    expect(pool.workerCount).toBe(1);
    expect((await pool.run(job(6))).exitCode).toBe(0);
    expect(pool.workerPids().filter((p) => !before.includes(p))).toHaveLength(0);
    await Promise.all([pool.run(job(8)), pool.run(job(10))]);
    expect(pool.workerCount).toBe(2);
    await pool.close();
    expect(pool.workerCount).toBe(0);
  });
});
