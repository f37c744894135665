// Request and answer shapes of the argo-server calls the client makes (../shared/argo/swagger.json,
// Argo v4.1.2). The workflow object itself is the manifest type, widened with what the server adds.
import type { NodeStatus, ObjectMeta, Outputs, Workflow, WorkflowStatus } from "../manifest.ts";

/** A workflow as the server returns it: the manifest plus server-set metadata and status. */
export interface ServerWorkflow extends Omit<Workflow, "metadata" | "status"> {
  metadata: ServerObjectMeta;
  status?: ServerWorkflowStatus;
}

export interface ServerObjectMeta extends ObjectMeta {
  resourceVersion?: string;
  generation?: number;
}

export interface ServerNodeStatus extends NodeStatus {
  templateRef?: { name?: string; template?: string; clusterScope?: boolean };
  hostNodeName?: string;
  estimatedDuration?: number;
}

export interface ServerWorkflowStatus extends Omit<WorkflowStatus, "nodes"> {
  nodes?: Record<string, ServerNodeStatus>;
  outputs?: Outputs;
  /** Where artifacts live by default: node artifacts often carry only their key. */
  artifactRepositoryRef?: {
    configMap?: string;
    key?: string;
    namespace?: string;
    default?: boolean;
    artifactRepository?: { s3?: { bucket?: string; endpoint?: string; keyFormat?: string } };
  };
  /** Set when the controller offloaded or compressed the nodes; `nodes` is then absent. */
  offloadNodeStatusVersion?: string;
  compressedNodes?: string;
}

export interface WorkflowList {
  metadata: { continue?: string; resourceVersion?: string; remainingItemCount?: number };
  /** Never null here: the client turns the server's `null` for an empty list into []. */
  items: ServerWorkflow[];
}

export interface LogEntry {
  content: string;
  podName: string;
}

export interface ArgoVersion {
  version: string;
  buildDate: string;
  gitCommit: string;
  gitTag: string;
  gitTreeState: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface NamespaceOption {
  /** Default: the client's namespace. */
  namespace?: string;
}

export interface CreateOptions extends NamespaceOption {
  /** Let the server validate without creating (`serverDryRun`). */
  serverDryRun?: boolean;
}

export interface GetOptions extends NamespaceOption {
  /** grpc-gateway field mask, e.g. "metadata.name,status.phase" (prefix "-" to exclude). */
  fields?: string;
}

export interface ListOptions extends NamespaceOption {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (`listOptions.limit`). */
  limit?: number;
  /** Token from the previous page's `metadata.continue`. */
  continue?: string;
  /** Field mask, e.g. "metadata.continue,items.metadata.name,items.status.phase". */
  fields?: string;
  nameFilter?: "Exact" | "Prefix" | "Contains";
}

export interface StopOptions extends NamespaceOption {
  message?: string;
  nodeFieldSelector?: string;
}

export interface RetryOptions extends NamespaceOption {
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  /** "name=value" overrides of workflow parameters. */
  parameters?: string[];
}

export interface ResubmitOptions extends NamespaceOption {
  memoized?: boolean;
  parameters?: string[];
}

export interface ResumeOptions extends NamespaceOption {
  nodeFieldSelector?: string;
}

export interface DeleteOptions extends NamespaceOption {
  force?: boolean;
}

export interface LogOptions extends NamespaceOption {
  /** One pod; default: every pod of the workflow. */
  podName?: string;
  /** Default "main" (the step's own container, not Argo's wait/init). */
  container?: string;
  /** Keep streaming while the pods run. */
  follow?: boolean;
  grep?: string;
  sinceSeconds?: number;
  tailLines?: number;
  timestamps?: boolean;
  signal?: AbortSignal;
}
