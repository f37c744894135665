// The options of DispatcherExecutor: dflow's DispatcherExecutor(host, username, queue_name,
// machine_dict, resources_dict, task_dict) with typed fields.

export type SchedulerKind = "slurm" | "sge" | "pbs" | "lsf" | "shell";

export interface Resources {
  nodes?: number;
  cpusPerNode?: number;
  gpusPerNode?: number;
  /** Memory per node with a unit, e.g. "4G", "500M" (passed to the scheduler as it understands it). */
  memory?: string;
  /** Wall-time limit: seconds, or "HH:MM:SS". */
  time?: number | string;
  /** Extra header flags, written as is after the scheduler's directive (e.g. "--exclusive" for Slurm). */
  customFlags?: string[];
  /** `module load <name>` lines run before the step. */
  moduleLoads?: string[];
  /** Files sourced (`. file`) before the step, e.g. a conda or spack environment. */
  sourceFiles?: string[];
  /** Environment exported in the job script. */
  envs?: Record<string, string>;
}

/** About the remote machine (dpdispatcher's machine dict, minus what has its own option). */
export interface MachineOptions {
  /** Prepended to every scheduler command over SSH, e.g. "source /etc/profile &&". */
  commandPrefix?: string;
  /** SSH keepalive interval in milliseconds (default 15000). */
  keepaliveInterval?: number;
  /** SSH connect timeout in milliseconds (default 20000). */
  readyTimeout?: number;
}

/** Extra files of a step (dpdispatcher's task dict). Paths are relative to the step's work dir. */
export interface TaskOptions {
  /** Local files or directories uploaded beside the declared input artifacts. */
  forwardFiles?: string[];
  /** Remote files or directories downloaded beside the declared outputs, when they exist. */
  backwardFiles?: string[];
}

export interface DispatcherOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** Path of a private key on the machine that runs the step ("~/" is expanded there). */
  privateKeyFile?: string;
  passphrase?: string;
  /**
   * Password authentication. It is stored in the manifest: prefer a key, or leave this unset and
   * set DFLOW_SSH_PASSWORD in the environment of the machine that runs the step.
   */
  password?: string;
  /** An ssh-agent socket, or true for $SSH_AUTH_SOCK. */
  agent?: string | boolean;
  /** known_hosts file to check the host key against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Host-key checking, on by default. Turning it off allows a man in the middle. */
  hostKeyChecking?: boolean;
  scheduler: SchedulerKind;
  /** Partition (Slurm) or queue (SGE, PBS, LSF). */
  queueName?: string;
  machine?: MachineOptions;
  resources?: Resources;
  task?: TaskOptions;
  /**
   * A raw job-script header, as dflow's SlurmRemoteExecutor takes it: `"#!/bin/bash\n#SBATCH -N 1\n#SBATCH -p cpu"`.
   * A `#!` first line replaces the job script's `#!/bin/sh`; the other lines (indentation before
   * `#` removed) follow the directives generated from `queueName`/`resources`, so where the
   * scheduler keeps the last of two equal options (Slurm does), the header's win.
   */
  header?: string;
  /**
   * Jobs run in `<remoteRoot>/<workflow name>/<step id>/` on the remote machine: an absolute
   * path, or one under the remote user's home (`~/dflow/workflows`), resolved when the step runs.
   */
  remoteRoot: string;
  /** Seconds between two status queries (default 5). */
  pollInterval?: number;
  /** Suffix of the rendered templates' names (default `<scheduler>-<hash of the options>`). */
  name?: string;
}
