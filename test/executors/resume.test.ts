import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readWorkflowRecord } from "../../src/engine/index.ts";
import { repoRoot } from "../helpers/shared.ts";
import { skip, slurmJobs, tempRoot, until } from "./services.ts";

// The engine dies (kill -9) while a step's Slurm job runs; `dflow resume` re-attaches to that job
// by the id the dispatcher kept in the step's directory, instead of submitting a second one.
describe.skipIf(skip.slurm())("resume re-attaches to a running Slurm job", () => {
  it("one job from first run to end, across a kill -9 of the engine", async () => {
    const root = tempRoot();
    const cli = path.join(repoRoot, "bin/dflow.js");
    const engine = spawn(process.execPath, [cli, "run", "--root", root, "test/executors/fixtures/resume-wf.ts"], { cwd: repoRoot, stdio: "ignore" });
    const id = await until("the run's record", () => readdirSync(root).find((d) => d.startsWith("exec-resume-")));
    const job = await until("the job to run", () => slurmJobs(id).find((j) => j.state === "RUNNING"), 90_000);
    engine.kill("SIGKILL");
    await new Promise((r) => engine.once("exit", r));

    const seen = new Set<string>([job.id]);
    const resume = spawn(process.execPath, [cli, "resume", "--root", root, id], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    resume.stdout.on("data", (d) => (out += d));
    resume.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => resume.once("exit", r));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      for (const j of slurmJobs(id)) seen.add(j.id);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(await exited, out).toBe(0);
    expect([...seen]).toEqual([job.id]);
    const record = readWorkflowRecord(path.join(root, id));
    expect(record.phase).toBe("Succeeded");
    expect(record.steps.find((s) => s.name === "slow")!.outputs.parameters.x).toBe("finished");
  }, 180_000);
});
