// Per-run state shared by the scheduler's pieces. One RunContext per workflow run; nothing global.
import type { ReusedStep } from "../argo/dflow-conventions.ts";
import type { StorageClient } from "../storage/client.ts";
import { createHash } from "node:crypto";
import type { Template, Workflow } from "../argo/manifest.ts";
import type { ArtifactStore, ArtifactValue } from "./artifacts.ts";
import type { RunRecord } from "./record.ts";
import type { Semaphore } from "./semaphore.ts";
import type { Vars } from "./scope.ts";
import type { WorkerPool } from "./worker-pool.ts";

export interface RunContext {
  readonly workflow: Workflow;
  readonly id: string;
  readonly dir: string;
  readonly record: RunRecord;
  readonly store: ArtifactStore;
  readonly pool: WorkerPool;
  /** Bounds concurrently running pods: min(engine parallelism, spec.parallelism). */
  readonly podSlots: Semaphore;
  /** Environment every step starts from. */
  readonly baseEnv: Record<string, string>;
  /** `workflow.*` variables; grows as the run goes (global outputs, status for onExit). */
  readonly globals: Vars;
  readonly globalArtifacts: Record<string, ArtifactValue>;
  /** Process groups of the step processes running now (for kill()). */
  readonly live: Set<number>;
  /** Template by name, with spec.templateDefaults merged in. */
  template(name: string): Template;
  /** The artifact repository (`s3: { key }` artifacts, e.g. from uploadArtifact). */
  readonly repository: StorageClient;
  /** Steps reused from earlier runs, by key (submit({ reuseStep })). */
  readonly reuse: ReadonlyMap<string, ReusedStep>;
  /**
   * The file of a function OP's bundle, made once per bundle hash by `write` (to the path it is
   * given; a failed write is tried again by the next step that needs the bundle).
   */
  bundleFile(hash: string, write: (path: string) => Promise<void>): Promise<string>;
}

/** Why a node was stopped from outside: shown as its message. */
export class StopReason {
  constructor(readonly message: string) {}
}

export const TERMINATED = "terminated";
export const WORKFLOW_DEADLINE = "Step exceeded its deadline";
export const POD_DEADLINE = "Pod was active on the node longer than the specified deadline";

export function stopMessage(signal: AbortSignal): string {
  return signal.reason instanceof StopReason ? signal.reason.message : TERMINATED;
}

/** Argo's node id: the workflow name for the root, else `<workflow>-<fnv32a(node name)>`. */
export function nodeId(workflowId: string, nodeName: string): string {
  if (nodeName === workflowId) return workflowId;
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(nodeName, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${workflowId}-${h}`;
}

/** Merge templateDefaults under a template (the template's own fields win), as Argo does. */
export function withDefaults(t: Template, defaults: Partial<Template> | undefined): Template {
  if (!defaults) return t;
  const merged: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [k, v] of Object.entries(t)) {
    const d = merged[k];
    merged[k] = isPlainObject(d) && isPlainObject(v) ? { ...d, ...v } : v;
  }
  return merged as unknown as Template;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export const sha16 = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** A child AbortSignal that also fires after `seconds` with `message`; dispose() stops the timer. */
export function withDeadline(parent: AbortSignal, seconds: number | undefined, message: string): { signal: AbortSignal; dispose: () => void } {
  if (seconds === undefined) return { signal: parent, dispose: () => {} };
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  const timer = setTimeout(() => controller.abort(new StopReason(message)), Math.max(0, seconds * 1000));
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener("abort", onParent);
    },
  };
}
