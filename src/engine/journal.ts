// Append-only JSON-lines journal of state transitions. Every line carries a full snapshot of what
// changed (the workflow's fields or one node), so replaying the lines in order reconstructs the
// latest state of the workflow and of every node, even when the last line was cut by a crash.
//
// Durability (see README "Crash safety and resume"): appended lines are buffered in memory and
// written with one write() per event-loop turn (group commit), and synchronously before the engine
// starts any step (`beforeStart`), records the process of a step (`pid` lines), or finishes. A
// line that has been written survives the engine being killed (kill -9, OOM, Ctrl-C): it is in the
// kernel. With `fsync`, the journal is also fdatasync'ed before a step starts whenever it holds a
// "finished" line not yet synced, and at the end, so that it also survives a power loss.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, writeSync } from "node:fs";
import type { WorkflowPhase } from "../argo/manifest.ts";
import type { StepRecord } from "./types.ts";

/** A node as journaled: a StepRecord whose paths (dir, artifacts) are relative to the run directory. */
export type NodeState = StepRecord;

export interface WorkflowState {
  id: string;
  name: string;
  phase: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  pid?: number;
  /** Start time of the engine process (clock ticks since boot, /proc/<pid>/stat field 22). */
  pidStart?: number;
  uid?: string;
  creationTimestamp?: string;
  /** Number of times the run was resumed. */
  resumed?: number;
}

/** The process running a step (a spawned command, or the function-OP worker that runs it). */
export interface ProcessInfo {
  pid: number;
  /** Clock ticks since boot when the process started (Linux), to tell it from a reused pid. */
  start?: number;
}

export type JournalEntry =
  | { k: "wf"; at: string; wf: Partial<WorkflowState> }
  | { k: "node"; at: string; node: NodeState }
  | { k: "pid"; at: string; id: string; proc: ProcessInfo };

export class Journal {
  private fd: number | undefined;
  private buffer: string[] = [];
  private scheduled = false;
  private unsyncedFinish = false;
  private failed: Error | undefined;

  /**
   * @param onError called once when the journal cannot be written (disk full…): from then on it
   *   takes no more lines, so what is on disk stays a consistent prefix (the run is resumable).
   */
  constructor(
    readonly path: string,
    private readonly fsync = false,
    private readonly onError?: (e: Error) => void,
  ) {}

  private frozen = false;

  /** Write what is buffered, then ignore every later line (the engine is being killed). */
  freeze(): void {
    try {
      this.commit();
    } finally {
      this.frozen = true;
    }
  }

  /** Buffer one line; it is written at the end of this event-loop turn at the latest. */
  append(entry: JournalEntry, finished = false): void {
    if (this.frozen) return;
    this.buffer.push(JSON.stringify(entry) + "\n");
    if (finished) this.unsyncedFinish = true;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushQuietly();
      });
    }
  }

  /** Write what is buffered (one write). */
  flush(): void {
    if (this.buffer.length === 0 || this.frozen) return;
    const text = this.buffer.length === 1 ? this.buffer[0]! : this.buffer.join("");
    this.buffer = [];
    try {
      this.fd ??= openSync(this.path, "a");
      const data = Buffer.from(text, "utf8");
      for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Written and, with fsync, on stable storage: called before a step starts and at the end. */
  commit(): void {
    this.flush();
    if (this.fsync && this.unsyncedFinish && this.fd !== undefined && !this.frozen) {
      try {
        fdatasyncSync(this.fd);
        this.unsyncedFinish = false;
      } catch (e) {
        this.fail(e as Error);
      }
    }
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = new Error(`cannot write the run's journal ${this.path}: ${e.message}`);
    this.frozen = true;
    this.buffer = [];
    this.onError?.(this.failed);
  }

  /** Error of the last background flush (disk full…), if any. */
  get error(): Error | undefined {
    return this.failed;
  }

  private flushQuietly(): void {
    this.flush();
  }

  close(): void {
    try {
      this.commit();
    } finally {
      if (this.fd !== undefined) {
        try {
          closeSync(this.fd);
        } catch {
          // nothing left to do
        }
      }
      this.fd = undefined;
    }
  }
}

export interface Replayed {
  workflow: WorkflowState;
  nodes: Map<string, NodeState>;
  /** The last process recorded for each node. */
  processes: Map<string, ProcessInfo>;
}

export function replayJournal(path: string): Replayed {
  const workflow: WorkflowState = { id: "", name: "", phase: "" };
  const nodes = new Map<string, NodeState>();
  const processes = new Map<string, ProcessInfo>();
  if (!existsSync(path)) return { workflow, nodes, processes };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue; // a torn last line after a crash
    }
    if (entry.k === "wf") Object.assign(workflow, entry.wf);
    else if (entry.k === "node") nodes.set(entry.node.id, entry.node);
    else if (entry.k === "pid") processes.set(entry.id, entry.proc);
  }
  return { workflow, nodes, processes };
}
