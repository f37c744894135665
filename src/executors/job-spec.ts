// The job spec: what the rendered template's bundled client carries (JSON inside its source).
// Everything in the original template that Argo or the engine substitutes ({{inputs.parameters.x}},
// {{workflow.name}}, …) travels in env values instead, because the local engine does not render the
// source of function-kind templates, and env values are substituted the same way everywhere.
import type { MachineOptions, Resources, SchedulerKind, TaskOptions } from "./options.ts";

export interface ConnectionSpec {
  host: string;
  port: number;
  username: string;
  privateKeyFile?: string;
  passphrase?: string;
  password?: string;
  agent?: string | boolean;
  knownHostsFile?: string;
  hostKeyChecking: boolean;
  keepaliveInterval: number;
  readyTimeout: number;
}

export interface DeclaredPath {
  name: string;
  path: string;
  optional: boolean;
}

/** The template the executor rendered, minus the parts that travel in env (see DISPATCH_ENV). */
export interface OriginalTemplate {
  name: string;
  /** "function": a bundled dflow-ts OP (uses DFLOW_IO_ROOT, its source is never rewritten). */
  kind: "script" | "container" | "function";
  commandCount: number;
  argsCount: number;
  /** The source of a function OP (static); other scripts' sources arrive in DISPATCH_ENV.source. */
  functionSource?: string;
  /** Names of the original env vars, forwarded to the job with their rendered values. */
  envNames: string[];
  workingDir?: string;
  inputArtifacts: DeclaredPath[];
  outputParameters: DeclaredPath[];
  outputArtifacts: DeclaredPath[];
}

export interface JobSpec {
  version: 1;
  connection: ConnectionSpec;
  scheduler: SchedulerKind;
  queueName?: string;
  resources: Resources;
  /** Raw header lines (see DispatcherOptions.header). */
  header?: string;
  task: TaskOptions;
  machine: Pick<MachineOptions, "commandPrefix">;
  /** Absolute, or `~/…` (the remote home, resolved when the step runs). */
  remoteRoot: string;
  /** Seconds. */
  pollInterval: number;
  template: OriginalTemplate;
}

export const DISPATCH_ENV = {
  source: "DFLOW_DISPATCH_SOURCE",
  command: (i: number) => `DFLOW_DISPATCH_COMMAND_${i}`,
  arg: (i: number) => `DFLOW_DISPATCH_ARG_${i}`,
  workflow: "DFLOW_DISPATCH_WORKFLOW",
  step: "DFLOW_DISPATCH_STEP",
  /** Password fallback read on the machine that runs the step. */
  password: "DFLOW_SSH_PASSWORD",
} as const;
