// Hand-written types for the subset of the Argo Workflow spec (v4.1.2) that dflow-ts emits and
// the local engine interprets. This file is the one IR: the compiler produces it, every backend
// consumes it. Field names follow ../shared/argo/schema.json exactly.

export type IntOrString = number | string;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

export interface Metadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ValueFrom {
  path?: string;
  expression?: string;
  parameter?: string;
  jsonPath?: string;
  jqFilter?: string;
  default?: string;
  supplied?: Record<string, never>;
}

export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  description?: string;
  enum?: string[];
  globalName?: string;
  valueFrom?: ValueFrom;
}

export interface ArchiveStrategy {
  none?: Record<string, never>;
  tar?: { compressionLevel?: number };
  zip?: Record<string, never>;
}

export interface S3Artifact {
  bucket?: string;
  endpoint?: string;
  insecure?: boolean;
  key?: string;
  region?: string;
  accessKeySecret?: { name: string; key: string };
  secretKeySecret?: { name: string; key: string };
}

export interface Artifact {
  name: string;
  path?: string;
  from?: string;
  fromExpression?: string;
  optional?: boolean;
  mode?: number;
  subPath?: string;
  archive?: ArchiveStrategy;
  globalName?: string;
  raw?: { data: string };
  s3?: S3Artifact;
  recurseMode?: boolean;
}

export interface Inputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface Outputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
  result?: string;
  exitCode?: string;
}

export interface Arguments {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface EnvVar {
  name: string;
  value?: string;
}

export interface ResourceRequirements {
  limits?: Record<string, IntOrString>;
  requests?: Record<string, IntOrString>;
}

export interface HostPathVolumeSource {
  path: string;
  type?: string;
}

/** The subset of a Kubernetes Volume that dflow-ts emits (hostPath, as dflow's SlurmJobTemplate). */
export interface Volume {
  name: string;
  hostPath?: HostPathVolumeSource;
  emptyDir?: { medium?: string; sizeLimit?: string };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

/** Argo's resource template: a step completed by a Kubernetes resource (kubectl under the hood). */
export interface ResourceTemplate {
  action: "get" | "create" | "apply" | "delete" | "replace" | "patch";
  manifest?: string;
  successCondition?: string;
  failureCondition?: string;
  setOwnerReference?: boolean;
  mergeStrategy?: "strategic" | "merge" | "json";
  flags?: string[];
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  resources?: ResourceRequirements;
  imagePullPolicy?: string;
  volumeMounts?: VolumeMount[];
}

export interface ScriptTemplate extends Container {
  image: string;
  source: string;
}

export interface Sequence {
  count?: IntOrString;
  start?: IntOrString;
  end?: IntOrString;
  format?: string;
}

export interface ContinueOn {
  failed?: boolean;
  error?: boolean;
}

export type Item = string | number | boolean | null | Item[] | { [key: string]: Item };

export interface WorkflowStep {
  name?: string;
  template?: string;
  arguments?: Arguments;
  when?: string;
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  onExit?: string;
}

export interface DAGTask {
  name: string;
  template?: string;
  arguments?: Arguments;
  dependencies?: string[];
  depends?: string;
  when?: string;
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  onExit?: string;
}

export interface DAGTemplate {
  tasks: DAGTask[];
  target?: string;
  failFast?: boolean;
}

export interface Backoff {
  duration?: string;
  factor?: IntOrString;
  maxDuration?: string;
  cap?: string;
}

export interface RetryStrategy {
  limit?: IntOrString;
  retryPolicy?: "Always" | "OnFailure" | "OnError" | "OnTransientError";
  backoff?: Backoff;
  expression?: string;
}

export interface Template {
  name: string;
  metadata?: Metadata;
  inputs?: Inputs;
  outputs?: Outputs;
  container?: Container;
  script?: ScriptTemplate;
  steps?: WorkflowStep[][];
  dag?: DAGTemplate;
  suspend?: { duration?: string };
  resource?: ResourceTemplate;
  volumes?: Volume[];
  activeDeadlineSeconds?: IntOrString;
  timeout?: string;
  retryStrategy?: RetryStrategy;
  parallelism?: number;
  failFast?: boolean;
  nodeSelector?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface WorkflowSpec {
  entrypoint?: string;
  arguments?: Arguments;
  templates?: Template[];
  onExit?: string;
  parallelism?: number;
  activeDeadlineSeconds?: IntOrString;
  serviceAccountName?: string;
  imagePullSecrets?: { name: string }[];
  templateDefaults?: Partial<Template>;
  retryStrategy?: RetryStrategy;
  podGC?: { strategy?: string };
  ttlStrategy?: Record<string, number>;
  artifactRepositoryRef?: { configMap?: string; key?: string };
  nodeSelector?: Record<string, string>;
  hooks?: Record<string, unknown>;
}

export type NodePhase = "Pending" | "Running" | "Succeeded" | "Skipped" | "Failed" | "Error" | "Omitted";
export type WorkflowPhase = "" | "Pending" | "Running" | "Succeeded" | "Failed" | "Error";
export type NodeType =
  | "Pod"
  | "Container"
  | "Steps"
  | "StepGroup"
  | "DAG"
  | "TaskGroup"
  | "Retry"
  | "Skipped"
  | "Suspend"
  | "HTTP"
  | "Plugin";

export interface NodeStatus {
  id: string;
  name: string;
  displayName: string;
  type: NodeType;
  templateName?: string;
  phase: NodePhase;
  boundaryID?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  progress?: string;
  inputs?: Inputs;
  outputs?: Outputs;
  children?: string[];
  outboundNodes?: string[];
}

export interface WorkflowStatus {
  phase?: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  progress?: string;
  nodes?: Record<string, NodeStatus>;
}

export interface Workflow {
  apiVersion: "argoproj.io/v1alpha1";
  kind: "Workflow";
  metadata: ObjectMeta;
  spec: WorkflowSpec;
  status?: WorkflowStatus;
}
