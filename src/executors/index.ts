// Executors: run steps elsewhere than the engine's own processes (dflow §3.1.14–3.1.16).
export { DispatcherExecutor, DISPATCH_ANNOTATION } from "./dispatcher.ts";
export { SlurmRemoteExecutor, type SlurmRemoteExecutorOptions } from "./slurm-remote.ts";
export type { DispatcherOptions, MachineOptions, Resources, SchedulerKind, TaskOptions } from "./options.ts";
