// Public record types of the local engine. They mirror Argo's node model (status.nodes) so that an
// Argo backend can map a live workflow's nodes into the same records.
import type { StorageClient } from "../storage/client.ts";
import type { NodePhase, NodeType, WorkflowPhase } from "../argo/manifest.ts";

export interface StepIO {
  parameters: Record<string, string>;
  /** Artifact name → local path (inside the run's record). */
  artifacts: Record<string, string>;
}

export interface StepOutputs extends StepIO {
  result?: string;
  exitCode?: string;
}

export interface StepRecord {
  /** Argo node id: `<workflow id>-<fnv32a(name)>`. */
  id: string;
  /** Display name, e.g. "hello", "print(0:a)", "[0]". */
  name: string;
  /** Argo node name (unique path), e.g. "wf-abc12[0].print(0:a)". */
  fullName: string;
  key?: string;
  type: NodeType;
  phase: NodePhase;
  templateName?: string;
  parentId?: string;
  boundaryId?: string;
  children: string[];
  startedAt?: string;
  finishedAt?: string;
  progress?: string;
  message?: string;
  inputs: StepIO;
  outputs: StepOutputs;
  /** Absolute path of the step's record directory (none for StepGroup/TaskGroup nodes). */
  dir?: string;
}

export interface WorkflowRecord {
  id: string;
  name: string;
  phase: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  /** Absolute path of the run's record directory. */
  dir: string;
  /** Process id of the engine that ran it; a Running record whose engine is gone was interrupted. */
  pid?: number;
  steps: StepRecord[];
}

export type StepChange = "created" | "started" | "progress" | "finished";

export type EngineEvent =
  | { type: "workflow"; id: string; phase: WorkflowPhase; message?: string }
  | { type: "step"; change: StepChange; step: StepRecord };

/** Options of resumeWorkflow: those of a run that can differ from one engine to the next. */
export interface ResumeOptions {
  /** Maximum number of concurrently running leaf steps, default os.availableParallelism(). */
  parallelism?: number;
  /** Whole-workflow deadline in seconds, counted from this resume. */
  timeoutSeconds?: number;
  onEvent?: (event: EngineEvent) => void;
  /** Extra environment for every step. */
  env?: Record<string, string>;
  /** See EngineOptions.fsync. */
  fsync?: boolean;
}

export interface EngineOptions {
  /**
   * The artifact repository that `s3: { key }` artifacts (e.g. from uploadArtifact) come from;
   * default: the configured store (s3Config), else a local one at `<root>/.storage`.
   */
  repository?: StorageClient;
  /** Keep the run's artifacts in the record (default) or in the repository (e.g. S3). */
  artifacts?: "record" | "repository";
  /** Archive of artifacts kept in the repository: "tar" (tar.gz, default) or null (as is). */
  archive?: "tar" | null;
  /** Record root, default "./dflow-runs" (resolved against the current directory). */
  root?: string;
  /** Maximum number of concurrently running leaf steps, default os.availableParallelism(). */
  parallelism?: number;
  /** Whole-workflow deadline in seconds; running steps are then killed and the workflow Fails. */
  timeoutSeconds?: number;
  onEvent?: (event: EngineEvent) => void;
  /** Workflow id; default metadata.name, else generateName + 5 random characters, as Argo does. */
  id?: string;
  /** Extra environment for every step. */
  env?: Record<string, string>;
  /** Overrides of spec.arguments.parameters (the CLI's -p name=value). */
  parameters?: Record<string, string>;
  /**
   * Also survive a power loss: fdatasync the journal before a step starts whenever it holds a
   * "finished" line not yet synced (default: survive the engine being killed; env DFLOW_FSYNC=1).
   */
  fsync?: boolean;
}

export interface RunResult {
  id: string;
  dir: string;
  phase: WorkflowPhase;
  message?: string;
  record: WorkflowRecord;
}

export interface LocalRun {
  readonly id: string;
  readonly dir: string;
  readonly done: Promise<RunResult>;
  /** Kill running steps, mark them Failed ("terminated") and the workflow Failed; resolves when done. */
  terminate(): Promise<void>;
  /**
   * Stop at once (a second Ctrl-C): SIGKILL every running step and worker, write the journal, and
   * leave the record as it is (Running), to be resumed; `done` never resolves. For a caller that exits next.
   */
  kill(): void;
}
