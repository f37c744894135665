// The local engine: interprets an Argo Workflow manifest on this machine with Argo's semantics.
export { startWorkflow, resumeWorkflow } from "./run.ts";
export { readWorkflowRecord } from "./record.ts";
export { ValidationError, WorkflowError } from "./errors.ts";
export { LocalArtifactStore, type ArtifactStore, type ArtifactValue } from "./artifacts.ts";
export type { EngineEvent, EngineOptions, ResumeOptions, LocalRun, RunResult, StepChange, StepIO, StepOutputs, StepRecord, WorkflowRecord } from "./types.ts";
