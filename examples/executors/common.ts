// Connection settings shared by the executor examples: the loopback test cluster started by
// scripts/ci/hpc-services.sh, or your own through DFLOW_SSH_* variables.
import { ShellOPTemplate, InputParameter, OutputParameter } from "dflow-ts";
import type { DispatcherOptions } from "../../src/executors/index.ts";

export const connection: Pick<DispatcherOptions, "host" | "port" | "username" | "privateKeyFile" | "knownHostsFile" | "remoteRoot" | "pollInterval"> = {
  host: process.env.DFLOW_SSH_HOST ?? "127.0.0.1",
  port: Number(process.env.DFLOW_SSH_PORT ?? 2222),
  username: process.env.DFLOW_SSH_USER ?? "root",
  privateKeyFile: process.env.DFLOW_SSH_KEY ?? "/tmp/dflow-services/ssh/id_ed25519",
  knownHostsFile: process.env.DFLOW_SSH_KNOWN_HOSTS ?? "/tmp/dflow-services/ssh/known_hosts",
  remoteRoot: process.env.DFLOW_SSH_REMOTE_ROOT ?? "/tmp/dflow-remote",
  pollInterval: 1,
};

/** A shell step that reports where it ran. */
export const whereAmI = new ShellOPTemplate({
  name: "where-am-i",
  script: "mkdir -p /tmp/o && echo \"{{inputs.parameters.greeting}} from $(hostname) (job ${SLURM_JOB_ID:-${JOB_ID:-${PBS_JOBID:-${LSB_JOBID:-none}}}})\" | tee /tmp/o/msg",
  inputs: { parameters: { greeting: new InputParameter<string>({ value: "hello" }) } },
  outputs: { parameters: { msg: new OutputParameter<string>({ valueFromPath: "/tmp/o/msg" }) } },
});
