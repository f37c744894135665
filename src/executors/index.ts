// Executors: run steps elsewhere than the engine's own processes (dflow §3.1.14–3.1.16; SlurmJob/SlurmJobTemplate: Kubernetes with wlm-operator).
export { DispatcherExecutor, DISPATCH_ANNOTATION } from "./dispatcher.ts";
export { SlurmRemoteExecutor, type SlurmRemoteExecutorOptions } from "./slurm-remote.ts";
export { SlurmJob, SlurmJobTemplate, batchScript, type SlurmJobOptions, type SlurmJobPrepare, type SlurmJobResults, type SlurmJobTemplateOptions } from "./wlm.ts";
export type { DispatcherOptions, MachineOptions, Resources, SchedulerKind, TaskOptions } from "./options.ts";
