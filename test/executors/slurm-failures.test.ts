// Job states → step outcomes on real Slurm: a job killed from outside is transient (retried), a
// job cancelled by someone else fails with a clear message, terminate cancels the jobs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FunctionOPTemplate, OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { slowRepeat } from "./fixtures/ops.ts";
import { executor, sh, skip, slurmJobs, tempRoot, until } from "./services.ts";

afterAll(() => closeAll());

// Runs locally (no executor): its output goes to the Slurm step as an input artifact.
const makeFoo = new ShellOPTemplate({
  name: "make-foo",
  script: "echo abc > /tmp/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/foo.txt" }) } },
});

describe.skipIf(skip.slurm())("Slurm job states", () => {
  it("retries a job killed mid-run (scancel --batch --signal=KILL: FAILED without exit code → transient) and then succeeds", async () => {
    const op = new FunctionOPTemplate(slowRepeat, { retryOnTransientError: 2 });
    const foo = new Step({ name: "foo", template: makeFoo });
    const step = new Step({
      name: "slow",
      template: op,
      parameters: { msg: "ab", num: 2, seconds: 4 },
      artifacts: { foo: foo.outputs.artifacts.foo },
      executor: executor({ scheduler: "slurm" }),
    });
    const wf = new Workflow({ name: "exec-kill" });
    wf.add(foo);
    wf.add(step);
    await wf.submit({ root: tempRoot() });
    const first = await until("the first job to run", () => slurmJobs(wf.id!).find((j) => j.state === "RUNNING"));
    await new Promise((r) => setTimeout(r, 500));
    sh(`scancel --batch --signal=KILL ${first.id}`);
    expect(await wf.wait()).toBe("Succeeded");
    const attempts = (await wf.queryStep({ type: "Pod" })).filter((s) => s.displayName.startsWith("slow("));
    expect(attempts.map((s) => [s.phase, s.outputs.exitCode])).toEqual([
      ["Failed", "3"],
      ["Succeeded", "0"],
    ]);
    const [ok] = attempts.filter((s) => s.phase === "Succeeded");
    expect(ok!.outputs.parameters.msg!.value).toBe("abab");
    expect(readFileSync(join(ok!.outputs.artifacts.bar!.path, "bar.txt"), "utf8")).toBe("ABC\n");
    expect(ok!.progress).toBe("1/1"); // the OP's progress file is mirrored while the job runs
    expect(ok!.outputs.result).toBe("repeated ab 2 times");
    expect(readFileSync(join(attempts[0]!.dir!, "log.txt"), "utf8")).toMatch(/killed before the step's exit code was recorded.*transient/);
    expect(slurmJobs(wf.id!).map((j) => j.state).sort()).toEqual(["COMPLETED", "FAILED"]);
  }, 90_000);

  it("fails a job cancelled by someone else (scancel) with a clear message, without retrying", async () => {
    const sleepy = new ShellOPTemplate({ name: "sleepy", script: "sleep 30" });
    const wf = new Workflow({ name: "exec-cancelled" });
    wf.add(new Step({ name: "sleepy", template: sleepy, executor: executor({ scheduler: "slurm" }) }));
    await wf.submit({ root: tempRoot() });
    const job = await until("the job to run", () => slurmJobs(wf.id!).find((j) => j.state === "RUNNING"));
    sh(`scancel ${job.id}`);
    expect(await wf.wait()).toBe("Failed");
    const pods = await wf.queryStep({ type: "Pod" });
    expect(pods).toHaveLength(1);
    const log = readFileSync(join(pods[0]!.dir!, "log.txt"), "utf8");
    expect(log).toContain(`slurm job ${job.id} failed (CANCELLED): it was cancelled by someone else (scancel); not retried`);
  }, 90_000);

  it("terminate cancels the running jobs: none left in squeue", async () => {
    const sleepy = new ShellOPTemplate({ name: "sleepy", script: "sleep 120" });
    const ex = executor({ scheduler: "slurm" });
    const wf = new Workflow({ name: "exec-terminate" });
    wf.add([new Step({ name: "a", template: sleepy, executor: ex }), new Step({ name: "b", template: sleepy, executor: ex })]);
    await wf.submit({ root: tempRoot() });
    await until("both jobs to run", () => slurmJobs(wf.id!).filter((j) => j.state === "RUNNING").length === 2);
    const t0 = Date.now();
    await wf.terminate();
    expect(await wf.wait()).toBe("Failed");
    await until("the jobs to be cancelled", () => slurmJobs(wf.id!).every((j) => j.state === "CANCELLED"), 20_000);
    console.log(`terminate → jobs cancelled in ${Date.now() - t0} ms`);
    expect(sh("squeue -h -t PD,R,CG -o %j").split("\n").filter((n) => n.startsWith(`dflow-${wf.id}`))).toEqual([]);
  }, 90_000);
});
