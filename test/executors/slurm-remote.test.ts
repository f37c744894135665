// SlurmRemoteExecutor (dflow 1.6 §3.1.16) against the real Slurm + sshd of scripts/ci/hpc-services.sh:
// the header's #SBATCH options must reach the job (seen by scontrol and by the step itself), and
// the step's outputs must come back.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, SlurmRemoteExecutor, Step, Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { sh, skip, ssh, tempRoot } from "./services.ts";

// A root under the remote user's home (sshd runs on this machine: root's home is homedir()).
const REMOTE = "~/.dflow-ts-test/workflows";
const localRemote = join(homedir(), ".dflow-ts-test");

afterAll(() => {
  closeAll();
  rmSync(localRemote, { recursive: true, force: true });
});

const probe = new ShellOPTemplate({
  name: "header-probe",
  script: [
    "mkdir -p /tmp/out",
    'printf %s "$DFLOW_HEADER_VAR" > /tmp/out/var',
    'printf %s "$SLURM_JOB_NAME" > /tmp/out/job-name',
    "echo 'hello {{inputs.parameters.who}}' > /tmp/out/hello.txt",
    "echo probed",
  ].join("\n"),
  inputs: { parameters: { who: new InputParameter<string>() } },
  outputs: {
    parameters: {
      var: new OutputParameter<string>({ valueFromPath: "/tmp/out/var" }),
      jobName: new OutputParameter<string>({ valueFromPath: "/tmp/out/job-name" }),
    },
    artifacts: { hello: new OutputArtifact({ path: "/tmp/out/hello.txt" }) },
  },
});

describe.skipIf(skip.slurm())("SlurmRemoteExecutor on Slurm over SSH", () => {
  it("writes the header into the batch script: its #SBATCH options apply, the outputs come back", async () => {
    const jobName = `hdr-${Date.now().toString(36)}`;
    // Indented as in dflow's example; the header's --job-name overrides the one dflow-ts writes.
    const executor = new SlurmRemoteExecutor({
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKeyFile: ssh.privateKeyFile,
      knownHostsFile: ssh.knownHostsFile,
      remoteRoot: REMOTE,
      interval: 0.3,
      header: `#!/bin/bash
               #SBATCH -N 1
               #SBATCH -n 1
               #SBATCH -p debug
               #SBATCH --job-name=${jobName}
               #SBATCH --time=00:07:00
               #SBATCH --comment=from-the-header
               #SBATCH --export=ALL,DFLOW_HEADER_VAR=set-by-sbatch-export`,
    });
    const wf = new Workflow({ name: "slurm-remote" });
    wf.add(new Step({ name: "probe", template: probe, parameters: { who: "slurm" }, executor }));
    await wf.submit({ root: tempRoot() });
    const phase = await wf.wait();
    const [step] = await wf.queryStep({ name: "probe" });
    expect(phase, JSON.stringify((await wf.queryStep()).map((s) => [s.name, s.phase, s.message]))).toBe("Succeeded");

    // The step saw the header's environment and job name.
    expect(step!.outputs.parameters.var!.value).toBe("set-by-sbatch-export");
    expect(step!.outputs.parameters.jobName!.value).toBe(jobName);
    expect(step!.outputs.result).toBe("probed");
    expect(readFileSync(step!.outputs.artifacts.hello!.path!, "utf8")).toBe("hello slurm\n");

    // Slurm applied the header's options to the job.
    const line = sh(`squeue -h -t all -o '%i %j'`).split("\n").find((l) => l.trim().endsWith(` ${jobName}`));
    expect(line, `no job named ${jobName} in squeue -t all`).toBeTruthy();
    const job = sh(`scontrol show job ${line!.trim().split(/\s+/)[0]}`);
    expect(job).toContain(`JobName=${jobName}`);
    expect(job).toMatch(/Comment=from-the-header\b/);
    expect(job).toContain("TimeLimit=00:07:00");
    expect(job).toContain("Partition=debug");
    expect(job).toMatch(/JobState=COMPLETED/);

    // The job ran under ~/… on the remote side, with the header's interpreter line first.
    const dirs = sh(`ls -d ${localRemote}/workflows/*/*`).trim().split("\n").filter(Boolean);
    const jobDir = dirs.find((d) => existsSync(join(d, "job.sh")) && readFileSync(join(d, "job.sh"), "utf8").includes(jobName));
    expect(jobDir, `no job directory under ${localRemote}: ${dirs.join(", ")}`).toBeTruthy();
    const script = readFileSync(join(jobDir!, "job.sh"), "utf8").split("\n");
    expect(script[0]).toBe("#!/bin/bash");
    expect(script.indexOf(`#SBATCH --job-name=${jobName}`)).toBeGreaterThan(script.findIndex((l) => l.startsWith("#SBATCH --job-name=dflow-")));
  }, 60_000);
});
