// What Workflow needs from an Argo server: submit a manifest, read its run as engine records,
// wait for it (with the engine's events), control it and read its logs.
import type { EngineEvent, StepRecord, WorkflowRecord } from "../../engine/types.ts";
import type { Workflow } from "../manifest.ts";
import { workflowRecord, type RecordOptions } from "../status.ts";
import { ArgoClient } from "./client.ts";
import type { ArgoClientOptions } from "./config.ts";
import { ArgoApiError } from "./errors.ts";
import { diffRecords, isFinalWorkflowPhase } from "./events.ts";
import { podName } from "./pod-name.ts";
import type { LogEntry, ServerWorkflow } from "./types.ts";
import { sleep } from "./sleep.ts";

export interface SubmittedWorkflow {
  /** The server-generated name (from generateName): the run's id. */
  name: string;
  uid: string;
  namespace: string;
}

export interface ArgoSubmitOptions {
  /** Fixed name instead of generateName (reattaching ids, reruns). */
  name?: string;
  /** Values for spec.arguments.parameters (added when the manifest lacks them). */
  parameters?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface ArgoWaitOptions {
  /** Poll interval in ms (default 1000). */
  pollMs?: number;
  onEvent?: (event: EngineEvent) => void;
  /** Give up after this many ms with a "timeout" ArgoApiError (default: wait for ever). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StepLogEntry extends LogEntry {
  /** Display name of the step whose pod wrote the line ("" when the pod is not in the status). */
  step: string;
}

export interface ArgoBackendOptions extends ArgoClientOptions, RecordOptions {}

export class ArgoBackend {
  constructor(
    readonly client: ArgoClient,
    private readonly recordOptions: RecordOptions = {},
  ) {}

  async submit(manifest: Workflow, options: ArgoSubmitOptions = {}): Promise<SubmittedWorkflow> {
    const created = await this.client.create(prepare(manifest, options));
    const { name, uid, namespace } = created.metadata;
    if (!name || !uid) throw new ArgoApiError({ kind: "protocol", method: "POST", path: `/api/v1/workflows/${this.client.namespace}`, serverMessage: "the created workflow has no name or uid" });
    return { name, uid, namespace: namespace ?? this.client.namespace };
  }

  async record(name: string): Promise<WorkflowRecord> {
    return this.toRecord(await this.client.get(name));
  }

  /** Polls until the workflow is Succeeded, Failed or Error; resolves to its final record. */
  async wait(name: string, options: ArgoWaitOptions = {}): Promise<WorkflowRecord> {
    const pollMs = options.pollMs ?? 1000;
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    let prev: WorkflowRecord | undefined;
    for (;;) {
      const rec = await this.record(name);
      for (const e of diffRecords(prev, rec)) options.onEvent?.(e);
      prev = rec;
      if (isFinalWorkflowPhase(rec.phase)) return rec;
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      if (Date.now() + pollMs > deadline) {
        throw new ArgoApiError({ kind: "timeout", serverMessage: `workflow ${name} is still ${rec.phase || "Pending"} after ${options.timeoutMs} ms` });
      }
      await sleep(pollMs, options.signal);
    }
  }

  async terminate(name: string): Promise<void> {
    await this.client.terminate(name);
  }

  async stop(name: string, message?: string): Promise<void> {
    await this.client.stop(name, message === undefined ? {} : { message });
  }

  async retry(name: string, options: { restartSuccessful?: boolean; nodeFieldSelector?: string } = {}): Promise<WorkflowRecord> {
    return this.toRecord(await this.client.retry(name, options));
  }

  /** Runs the workflow again under a new name. */
  async resubmit(name: string, options: { memoized?: boolean } = {}): Promise<SubmittedWorkflow> {
    const wf = await this.client.resubmit(name, options);
    return { name: wf.metadata.name ?? "", uid: wf.metadata.uid ?? "", namespace: wf.metadata.namespace ?? this.client.namespace };
  }

  async delete(name: string): Promise<void> {
    await this.client.delete(name);
  }

  /**
   * Log lines of the workflow's pods, or of one step's pods (`step`: display name, name without
   * its loop suffix, key, node id or node name).
   */
  async *logs(name: string, step?: string, options: { follow?: boolean; signal?: AbortSignal } = {}): AsyncGenerator<StepLogEntry> {
    const wf = await this.client.get(name);
    const rec = this.toRecord(wf);
    const pods = new Map(rec.steps.filter((s) => s.type === "Pod").map((s) => [podName(wf, { id: s.id, name: s.fullName, ...(s.templateName ? { templateName: s.templateName } : {}) }), s]));
    const extra = { ...(options.follow ? { follow: true } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    if (step === undefined) {
      for await (const e of this.client.logs(name, extra)) yield { ...e, step: pods.get(e.podName)?.name ?? "" };
      return;
    }
    const chosen = [...pods].filter(([, s]) => matchesStep(s, step));
    if (chosen.length === 0) {
      throw new ArgoApiError({ kind: "not-found", serverMessage: `workflow ${name} has no pod step "${step}"`, hint: "give a step's display name, key or node id (dflow argo status lists them)" });
    }
    for (const [pod, s] of chosen) {
      for await (const e of this.client.logs(name, { ...extra, podName: pod })) yield { ...e, step: s.name };
    }
  }

  private toRecord(wf: ServerWorkflow): WorkflowRecord {
    return workflowRecord(wf, this.recordOptions);
  }
}

/** A backend from explicit options and the argo CLI's environment variables. */
export function argoBackendFromEnv(options: ArgoBackendOptions = {}): ArgoBackend {
  const { defaultBucket, ...clientOptions } = options;
  return new ArgoBackend(ArgoClient.fromEnv(clientOptions), defaultBucket === undefined ? {} : { defaultBucket });
}

export function matchesStep(s: StepRecord, query: string): boolean {
  return s.name === query || s.name.replace(/\(\d+(:.*)?\)$/, "") === query || s.key === query || s.id === query || s.fullName === query;
}

function prepare(manifest: Workflow, options: ArgoSubmitOptions): Workflow {
  const metadata = { ...manifest.metadata };
  if (options.name) {
    metadata.name = options.name;
    delete metadata.generateName;
  }
  if (options.labels) metadata.labels = { ...metadata.labels, ...options.labels };
  const spec = { ...manifest.spec };
  if (options.parameters) {
    const params = [...(spec.arguments?.parameters ?? [])].map((p) => ({ ...p }));
    for (const [k, value] of Object.entries(options.parameters)) {
      const p = params.find((x) => x.name === k);
      if (p) p.value = value;
      else params.push({ name: k, value });
    }
    spec.arguments = { ...spec.arguments, parameters: params };
  }
  return { ...manifest, metadata, spec };
}
