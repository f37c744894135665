// dflow-ts public API. dflow's snake_case names become camelCase (README has the table).
export { Workflow, type WorkflowOptions } from "./api/workflow.ts";
export { Step, Task, type StepOptions, type ArtifactSource } from "./api/step.ts";
export { Steps } from "./api/steps.ts";
export { DAG } from "./api/dag.ts";
export {
  ScriptOPTemplate,
  ShellOPTemplate,
  PythonScriptOPTemplate,
  ContainerOPTemplate,
  type ScriptOPTemplateOptions,
} from "./api/script-template.ts";
export { OPTemplate } from "./api/template.ts";
export { FunctionOPTemplate, defineOp, type FunctionOPOptions, type DefineOpOptions } from "./api/function-template.ts";
export { InputParameter, InputArtifact, OutputParameter, OutputArtifact } from "./api/io.ts";
export { ParameterRef, ArtifactRef, type Expr } from "./api/refs.ts";
export { ifExpression, IfExpression, asFloat, asInt } from "./api/if-expression.ts";
export { argoRange, argoSequence, argoLen, ArgoExpr, type ArgoSequence } from "./api/argo-expr.ts";
export { Slices, type SlicesOptions } from "./api/slices.ts";
export type { Executor, RenderContext } from "./api/executor.ts";
export { Resource, ResourceOPTemplate, type ResourceAction, type ResourceFields, type ResourceManifest, type ResourceOPTemplateOptions } from "./api/resource.ts";
export {
  DispatcherExecutor,
  SlurmRemoteExecutor,
  SlurmJob,
  SlurmJobTemplate,
  type DispatcherOptions,
  type Resources,
  type SchedulerKind,
  type SlurmRemoteExecutorOptions,
  type SlurmJobOptions,
  type SlurmJobTemplateOptions,
} from "./executors/index.ts";
export { DflowError, NameError, ValidationError } from "./api/errors.ts";
export { Artifact, ArtifactSpec, type ArchiveMode } from "./op/artifact.ts";
export { OP, type OPClass } from "./op/class-op.ts";
export { TransientError, FatalError } from "./op/errors.ts";
export type { OpContext } from "./op/context.ts";
export type { Sign, RunInput, RunOutput } from "./op/signature.ts";
export { toYaml, toJson } from "./compile/yaml.ts";
export { config, type Config } from "./api/config.ts";
export { uploadArtifact, UploadedArtifact, type UploadOptions, type DownloadOptions } from "./api/artifact-api.ts";
export { downloadArtifact } from "./api/download.ts";
export { s3Config, type S3Config, type StorageClient, LocalStorageClient, S3StorageClient } from "./storage/index.ts";
export { StepInfo, type OutputArtifactInfo, type OutputParameterInfo } from "./api/step-info.ts";
export type { SubmitOptions, StepQuery } from "./api/workflow.ts";
export type { EngineEvent, StepRecord, WorkflowRecord } from "./engine/types.ts";
export type * as argo from "./argo/manifest.ts";
