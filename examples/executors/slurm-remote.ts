// dflow 1.6 §3.1.16: SlurmRemoteExecutor — a step submitted as a Slurm job over SSH, with the job
// script's header written as in dflow (a raw `#!/bin/bash` + `#SBATCH` block).
import { Step, Workflow } from "dflow-ts";
import { SlurmRemoteExecutor } from "../../src/executors/index.ts";
import { connection, whereAmI } from "./common.ts";

const { pollInterval, ...ssh } = connection;
const slurm = new SlurmRemoteExecutor({
  ...ssh,
  interval: pollInterval,
  header: `#!/bin/bash
           #SBATCH -N 1
           #SBATCH -n 1
           #SBATCH -p debug
           #SBATCH --time=00:10:00`,
});

const wf = new Workflow({ name: "executor-slurm-remote" });
wf.add(new Step({ name: "where", template: whereAmI, parameters: { greeting: "hello" }, executor: slurm }));
export default wf;
