// The same end-to-end workflow through PBS (Slurm's Torque wrappers: qsub/qstat/qdel from
// slurm-wlm-torque, there is no real PBS server here) and Grid Engine. SGE's client conflicts with
// slurm-wlm-torque, so each runs in its own phase (scripts/ci/hpc-services.sh slurm | sge).
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { FunctionOPTemplate, OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import type { SchedulerKind } from "../../src/executors/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { slowRepeat } from "./fixtures/ops.ts";
import { executor, sh, skip, tempRoot, until } from "./services.ts";
import { join } from "node:path";

afterAll(() => closeAll());

const makeFoo = new ShellOPTemplate({
  name: "make-foo",
  script: "echo 'from {{workflow.name}}' > /tmp/foo.txt; echo made",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/foo.txt" }) } },
});

async function endToEnd(scheduler: SchedulerKind) {
  const ex = executor({ scheduler, resources: { time: 600, nodes: 1, cpusPerNode: 1 } });
  const make = new Step({ name: "make", template: makeFoo, executor: ex });
  const rep = new Step({
    name: "repeat",
    template: new FunctionOPTemplate(slowRepeat),
    parameters: { msg: "x", num: 3, seconds: 0 },
    artifacts: { foo: make.outputs.artifacts.foo },
    executor: ex,
  });
  const wf = new Workflow({ name: `exec-${scheduler}` });
  wf.add(make);
  wf.add(rep);
  await wf.submit({ root: tempRoot() });
  expect(await wf.wait()).toBe("Succeeded");
  const [m] = await wf.queryStep({ name: "make" });
  const [r] = await wf.queryStep({ name: "repeat" });
  expect(m!.outputs.result).toBe("made");
  expect(r!.outputs.parameters.msg!.value).toBe("xxx");
  expect(r!.outputs.result).toBe("repeated x 3 times");
  expect(readFileSync(join(r!.outputs.artifacts.bar!.path, "bar.txt"), "utf8")).toBe(`FROM ${wf.id!.toUpperCase()}\n`);
  return wf;
}

describe.skipIf(skip.torque())("PBS path (Torque commands wrapping Slurm)", () => {
  it("runs a shell step and a function OP through qsub/qstat", async () => {
    await endToEnd("pbs");
  }, 60_000);

  it("terminate cancels the job with qdel", async () => {
    const wf = new Workflow({ name: "exec-pbs-terminate" });
    wf.add(new Step({ name: "sleepy", template: new ShellOPTemplate({ name: "sleepy", script: "sleep 120" }), executor: executor({ scheduler: "pbs" }) }));
    await wf.submit({ root: tempRoot() });
    const running = () => sh("squeue -h -t R -o %j").split("\n").filter((n) => n.startsWith("dflow-exec-pbs-"));
    await until("the job to run", () => running().length === 1);
    await wf.terminate();
    await until("qdel", () => running().length === 0, 20_000);
  }, 60_000);
});

describe.skipIf(skip.sge())("Grid Engine", () => {
  it("runs a shell step and a function OP through qsub/qstat", async () => {
    await endToEnd("sge");
  }, 90_000);

  it("terminate cancels the job with qdel", async () => {
    const wf = new Workflow({ name: "exec-sge-terminate" });
    wf.add(new Step({ name: "sleepy", template: new ShellOPTemplate({ name: "sleepy", script: "sleep 120" }), executor: executor({ scheduler: "sge" }) }));
    await wf.submit({ root: tempRoot() });
    const jobs = () => sh("qstat").split("\n").filter((l) => l.includes("dflow-exec"));
    await until("the job to run", () => jobs().some((l) => / r /.test(l)), 30_000);
    await wf.terminate();
    await until("qdel", () => jobs().length === 0, 30_000);
  }, 90_000);
});
