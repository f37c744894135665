// SlurmRemoteExecutor: dflow's executor of the same name (dflow 1.6 §3.1.16), which submits a
// step as a Slurm job on a remote host over SSH with a raw `#SBATCH` header and follows its status
// and logs. dflow runs it through dflow-extender (a Go binary in a pod); here it is the
// DispatcherExecutor's client with scheduler "slurm" and the header written into the job script.
import { DispatcherExecutor } from "./dispatcher.ts";
import type { DispatcherOptions } from "./options.ts";

export interface SlurmRemoteExecutorOptions
  extends Pick<DispatcherOptions, "host" | "port" | "username" | "password" | "privateKeyFile" | "passphrase" | "agent" | "knownHostsFile" | "hostKeyChecking" | "machine" | "task" | "name"> {
  /**
   * The job script's header, as in dflow: `#!/bin/bash` then `#SBATCH` lines (indentation before
   * `#` is removed). Its directives come after the ones dflow-ts writes itself (job name, output
   * file, working directory), so a `--job-name`, `--output` or `--chdir` here wins.
   */
  header?: string;
  /**
   * dflow's `workdir`: jobs run in `<remoteRoot>/<workflow name>/<step id>/`. Absolute, or under
   * the remote user's home. Default `~/dflow/workflows` (dflow: `~/dflow/workflows/{{workflow.name}}/{{pod.name}}`).
   */
  remoteRoot?: string;
  /** dflow's `interval`: seconds between two status queries (default 3). */
  interval?: number;
}

export class SlurmRemoteExecutor extends DispatcherExecutor {
  constructor(options: SlurmRemoteExecutorOptions) {
    const { header, remoteRoot, interval, ...connection } = options;
    super({
      ...connection,
      scheduler: "slurm",
      remoteRoot: remoteRoot ?? "~/dflow/workflows",
      pollInterval: interval ?? 3,
      ...(header !== undefined ? { header } : {}),
    });
  }

  protected override get kindLabel(): string {
    return "slurm-remote";
  }
}
