// A fan-out of 20 steps through Slurm over one shared SSH connection per warm worker; measures
// the per-job overhead (wall time / jobs, with Slurm running 2 one-CPU jobs at a time here).
import { afterAll, describe, expect, it } from "vitest";
import { argoSequence, InputParameter, OutputParameter, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { executor, sh, skip, tempRoot } from "./services.ts";

afterAll(() => closeAll());

const square = new ShellOPTemplate({
  name: "square",
  script: "mkdir -p /tmp/o && echo $(( {{inputs.parameters.i}} * {{inputs.parameters.i}} )) > /tmp/o/sq",
  inputs: { parameters: { i: new InputParameter<number>() } },
  outputs: { parameters: { sq: new OutputParameter<string>({ valueFromPath: "/tmp/o/sq" }) } },
});

describe.skipIf(skip.slurm())("fan-out through Slurm", () => {
  it("runs 20 parallel steps as 20 Slurm jobs", async () => {
    const cpus = Number(sh("sinfo -h -o %c").trim()) || 2;
    const wf = new Workflow({ name: "exec-fanout" });
    wf.add(
      new Step({
        name: "square",
        template: square,
        parameters: { i: "{{item}}" as never },
        withSequence: argoSequence({ count: 20 }),
        executor: executor({ scheduler: "slurm", pollInterval: Number(process.env.POLL ?? 0.25) }),
      }),
    );
    const t0 = Date.now();
    await wf.submit({ root: tempRoot(), parallelism: 20 });
    expect(await wf.wait()).toBe("Succeeded");
    const ms = Date.now() - t0;
    const pods = await wf.queryStep({ type: "Pod" });
    expect(pods).toHaveLength(20);
    expect(pods.map((p) => Number(p.outputs.parameters.sq!.value)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * i).sort((a, b) => a - b));
    console.log(`20 Slurm jobs in ${ms} ms: ${(ms / 20).toFixed(0)} ms per job, ${((ms * cpus) / 20).toFixed(0)} ms per job per CPU slot (${cpus} slots)`);
  }, 180_000);
});
