// The Argo backend: REST client for argo-server, the backend Workflow uses, status → records.
export { ArgoClient } from "./client.ts";
export { resolveArgoConfig, normalizeToken, DEFAULT_NAMESPACE, type ArgoClientConfig, type ArgoClientOptions } from "./config.ts";
export { ArgoApiError, type ArgoErrorKind } from "./errors.ts";
export { ArgoBackend, argoBackendFromEnv, matchesStep, type ArgoBackendOptions, type ArgoSubmitOptions, type ArgoWaitOptions, type StepLogEntry, type SubmittedWorkflow } from "./backend.ts";
export { diffRecords, isFinalWorkflowPhase } from "./events.ts";
export { jsonLines } from "./json-lines.ts";
export { podName, fnv32a } from "./pod-name.ts";
export type * from "./types.ts";
export { workflowRecord, stepRecords, artifactLocator, type RecordOptions, type StatusArtifact } from "../status.ts";
