// The run's on-disk record, in dflow's debug-mode layout (see README of the engine in index.ts):
// `<root>/<id>/{status, workflow.json, journal.jsonl, <step dir>/…}`.
//
// The journal is the source of truth (readWorkflowRecord replays it). The per-step files (`type`,
// `phase`, `inputs|outputs/parameters/<name>`) are a view of it written off the critical path: at
// most FILE_FLUSH_MS after a change, and completely before the run's `done` resolves. A step's
// directory appears when the step leaves Pending (pods create theirs when they start). The first
// `phase` of a step is written directly, later ones atomically (temp + rename), so a reader never
// sees a torn value. Only what changed is written: coalesced phase changes are written once.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { FileWriter, type FileOp } from "./file-writer.ts";
import { join, resolve } from "node:path";
import type { NodePhase, Workflow } from "../argo/manifest.ts";
import { Journal, replayJournal, type NodeState, type ProcessInfo, type Replayed, type WorkflowState } from "./journal.ts";
import type { EngineEvent, StepChange, StepRecord, WorkflowRecord } from "./types.ts";
import { NodeError } from "./errors.ts";

export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const DIR_NAME_MAX = 120;
const FILE_FLUSH_MS = 100;
const RESERVED = ["workflow.json", "journal.jsonl", "status", "pid", ".bundles", "arguments", "lock"];

/** A directory name from a step key or display name: safe characters only, never "." or "..". */
export function dirNameFor(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, DIR_NAME_MAX);
  return cleaned || "step";
}

type Side = "inputs" | "outputs";

/** What of a step directory is on disk already. */
interface DirFiles {
  created: boolean;
  type?: string;
  phase?: string;
  /** Parameter sides to (re)write at the next flush. */
  pending?: Set<Side>;
  /** Parameter files known to hold their value already (written by the step itself). */
  written?: Set<string>;
}

export interface RecordOptions {
  onEvent?: ((e: EngineEvent) => void) | undefined;
  fsync?: boolean | undefined;
  /** The journal cannot be written any more (disk full…): the run should stop. */
  onJournalError?: ((e: Error) => void) | undefined;
}

export class RunRecord {
  private readonly journal: Journal;
  private readonly nodes = new Map<string, NodeState>();
  private readonly childIds = new Map<string, Set<string>>();
  private readonly usedDirs = new Set<string>(RESERVED);
  private readonly files = new Map<string, DirFiles>();
  private readonly dirty = new Set<string>();
  private fileTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly writer = new FileWriter();
  private readonly seen = new Set<string>();
  private frozenFiles = false;
  private fileError: Error | undefined;
  private workflow: WorkflowState;
  private readonly onEvent: ((e: EngineEvent) => void) | undefined;
  /** Nodes of an interrupted run (resume): ids → their last journaled state. */
  readonly previous: ReadonlyMap<string, NodeState>;
  readonly previousProcesses: ReadonlyMap<string, ProcessInfo>;

  constructor(
    readonly dir: string,
    workflow: WorkflowState,
    opts: RecordOptions = {},
    replayed?: Replayed,
  ) {
    mkdirSync(dir, { recursive: true });
    this.journal = new Journal(join(dir, "journal.jsonl"), !!opts.fsync, opts.onJournalError);
    this.onEvent = opts.onEvent;
    this.workflow = { ...workflow };
    this.previous = replayed?.nodes ?? new Map();
    this.previousProcesses = replayed?.processes ?? new Map();
    for (const n of this.previous.values()) {
      this.nodes.set(n.id, n);
      this.childIds.set(n.id, new Set(n.children));
      if (n.dir) {
        this.usedDirs.add(n.dir);
        this.files.set(n.id, { created: existsSync(join(dir, n.dir)), type: n.type, phase: n.phase });
      }
    }
  }

  start(manifest: Workflow | undefined, patch: Partial<WorkflowState>): void {
    if (manifest) writeFileSync(join(this.dir, "workflow.json"), JSON.stringify(manifest, null, 2));
    this.setWorkflow({ ...this.workflow, ...patch, pid: process.pid });
  }

  get workflowState(): Readonly<WorkflowState> {
    return this.workflow;
  }

  setWorkflow(patch: Partial<WorkflowState>): void {
    this.workflow = { ...this.workflow, ...patch };
    this.journal.append({ k: "wf", at: new Date().toISOString(), wf: patch });
    if (patch.phase !== undefined && !this.frozenFiles) {
      this.journal.commit();
      try {
        writeFileAtomic(join(this.dir, "status"), this.workflow.phase + "\n");
      } catch (e) {
        this.fileError ??= e as Error;
      }
    }
    this.onEvent?.({ type: "workflow", id: this.workflow.id, phase: this.workflow.phase, message: this.workflow.message });
  }

  node(id: string): NodeState {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`internal: unknown node ${id}`);
    return n;
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Was the node created (or reused) by this engine, rather than only replayed from the journal? */
  touched(id: string): boolean {
    return this.seen.has(id);
  }

  /** A finished node of the interrupted run that is kept as it is: registered as reached. */
  reuse(id: string): NodeState | undefined {
    const n = this.previous.get(id);
    if (!n || (n.phase !== "Succeeded" && n.phase !== "Skipped" && n.phase !== "Omitted")) return undefined;
    const current = this.nodes.get(id);
    if (current !== n) return undefined; // re-created in this run already
    this.markSubtreeSeen(n);
    return n;
  }

  private markSubtreeSeen(n: NodeState): void {
    const stack = [n];
    while (stack.length) {
      const x = stack.pop()!;
      this.seen.add(x.id);
      for (const c of x.children) {
        const child = this.nodes.get(c);
        if (child && !this.seen.has(c)) stack.push(child);
      }
    }
  }

  /** Write the journal out now and nothing after it (kill()): the record stays as a crash leaves it. */
  freeze(): void {
    this.frozenFiles = true;
    if (this.fileTimer) clearTimeout(this.fileTimer);
    this.journal.freeze();
  }

  allNodes(): IterableIterator<NodeState> {
    return this.nodes.values();
  }

  /**
   * Register a node; `dirHint` (a key or display name) gives it a step directory. A node the
   * interrupted run already had (resume) keeps its directory and its children.
   */
  createNode(node: NodeState, dirHint?: string): NodeState {
    const old = this.nodes.get(node.id);
    if (old) {
      if (old.dir && dirHint !== undefined) node.dir = old.dir;
      node.children = old.children;
    } else if (dirHint !== undefined) {
      const base = dirNameFor(dirHint);
      let name = base;
      for (let i = 2; this.usedDirs.has(name); i++) name = `${base}-${i}`;
      this.usedDirs.add(name);
      node.dir = name;
    }
    if (node.dir && !this.files.has(node.id)) this.files.set(node.id, { created: false });
    this.nodes.set(node.id, node);
    this.seen.add(node.id);
    if (!this.childIds.has(node.id)) this.childIds.set(node.id, new Set(node.children));
    if (node.parentId) {
      const parent = this.nodes.get(node.parentId);
      const ids = this.childIds.get(node.parentId);
      if (parent && ids && !ids.has(node.id)) {
        ids.add(node.id);
        parent.children.push(node.id);
      }
    }
    this.persist(node, "created");
    return node;
  }

  updateNode(id: string, patch: Partial<NodeState>, change: StepChange = "progress"): NodeState {
    const node = this.node(id);
    Object.assign(node, patch);
    this.persist(node, change);
    return node;
  }

  finishNode(id: string, phase: NodePhase, message?: string, patch: Partial<NodeState> = {}): NodeState {
    const extra = message === undefined ? {} : { message };
    return this.updateNode(id, { ...patch, ...extra, phase, finishedAt: new Date().toISOString() }, "finished");
  }

  stepDir(node: NodeState): string {
    if (!node.dir) throw new Error(`internal: node ${node.fullName} has no directory`);
    return join(this.dir, node.dir);
  }

  /** Create `sub` (e.g. "workdir/tmp") in the node's directory, which is created with it (on the thread pool). */
  async makeStepDir(node: NodeState, sub: string): Promise<string> {
    const path = join(this.stepDir(node), sub);
    await mkdir(path, { recursive: true });
    const f = this.files.get(node.id);
    if (f) f.created = true;
    return path;
  }

  /** The node's directory was made by someone else (a function-OP worker). */
  stepDirCreated(node: NodeState): void {
    const f = this.files.get(node.id);
    if (f) f.created = true;
  }

  /** Write the node's parameter values as files under inputs/ or outputs/ of its directory (soon). */
  writeParameters(node: NodeState, side: Side): void {
    if (!node.dir || Object.keys(node[side].parameters).length === 0) return;
    const f = this.files.get(node.id);
    if (!f) return;
    (f.pending ??= new Set()).add(side);
    this.markDirty(node.id);
  }

  /** The step wrote `<dir>/<side>/parameters/<name>` with exactly its value: no need to rewrite it. */
  parameterWritten(node: NodeState, side: Side, name: string): void {
    const f = this.files.get(node.id);
    if (f) (f.written ??= new Set()).add(`${side}/${name}`);
  }

  /** Forget what is known of a step directory (it was emptied before a re-run). */
  resetStepDir(node: NodeState): void {
    const pending = this.files.get(node.id)?.pending;
    if (node.dir) this.files.set(node.id, { created: false, ...(pending ? { pending } : {}) });
    if (pending) this.markDirty(node.id);
  }

  /** Journal the process that runs a step, at once (so that a resume can find it). */
  recordProcess(node: NodeState, proc: ProcessInfo): void {
    this.journal.append({ k: "pid", at: new Date().toISOString(), id: node.id, proc });
    this.journal.flush();
  }

  /** Make every transition so far durable before a step starts (see journal.ts); throws if it cannot be. */
  beforeStart(): void {
    this.journal.commit();
    if (this.journal.error) throw new NodeError(this.journal.error.message);
  }

  /** Why the journal cannot be written, if it cannot. */
  get journalError(): Error | undefined {
    return this.journal.error;
  }

  private persist(node: NodeState, change: StepChange): void {
    this.journal.append({ k: "node", at: new Date().toISOString(), node }, change === "finished");
    if (node.dir) this.markDirty(node.id);
    this.onEvent?.({ type: "step", change, step: toStepRecord(this.dir, node) });
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (!this.fileTimer && !this.flushing) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.fileTimer = setTimeout(() => {
      this.fileTimer = undefined;
      this.flushing = this.flushFiles(false)
        .catch((e: unknown) => {
          this.fileError ??= e as Error;
        })
        .finally(() => {
          this.flushing = undefined;
          if (this.dirty.size > 0 && !this.fileTimer) this.scheduleFlush();
        });
    }, FILE_FLUSH_MS);
    this.fileTimer.unref();
  }

  /** The operations that bring the changed step files up to date; `all` includes Pending steps. */
  private fileOps(all: boolean): FileOp[] {
    const ops: FileOp[] = [];
    for (const id of this.dirty) {
      const node = this.nodes.get(id);
      const f = this.files.get(id);
      if (!node?.dir || !f) {
        this.dirty.delete(id);
        continue;
      }
      if (node.phase === "Pending" && !all) continue;
      this.dirty.delete(id);
      const abs = join(this.dir, node.dir);
      if (!f.created) ops.push(["mkdir", abs]);
      f.created = true;
      if (f.type !== node.type) ops.push(["write", join(abs, "type"), node.type + "\n"]);
      f.type = node.type;
      if (f.phase !== node.phase) ops.push([f.phase === undefined ? "write" : "replace", join(abs, "phase"), node.phase + "\n"]);
      f.phase = node.phase;
      for (const side of f.pending ?? []) {
        const values = node[side].parameters;
        const names = Object.keys(values).filter((n) => !f.written?.has(`${side}/${n}`));
        if (names.length === 0) continue;
        const pdir = join(abs, side, "parameters");
        ops.push(["mkdir", pdir]);
        for (const n of names) ops.push(["write", join(pdir, n), values[n]!]);
      }
      f.pending = undefined;
    }
    return ops;
  }

  /** Write the step files that changed (on the writer thread). */
  private async flushFiles(all: boolean): Promise<void> {
    if (this.frozenFiles) return;
    const error = await this.writer.run(this.fileOps(all));
    if (error) throw new Error(`cannot write the run's record: ${error}`);
  }

  /** Everything written (journal committed, step files flushed); throws what failed in the background. */
  async flushAll(): Promise<void> {
    if (this.fileTimer) clearTimeout(this.fileTimer);
    this.fileTimer = undefined;
    while (this.flushing) await this.flushing;
    try {
      await this.flushFiles(true);
    } catch (e) {
      this.fileError ??= e as Error;
    }
    this.journal.commit();
    const err = this.journal.error ?? this.fileError;
    if (err) throw err;
  }

  /** Commit and close the journal (after the last setWorkflow). */
  close(): void {
    this.journal.close();
    void this.writer.close();
  }

  toRecord(): WorkflowRecord {
    return buildRecord(this.dir, this.workflow, this.nodes.values());
  }
}

function toStepRecord(runDir: string, node: NodeState): StepRecord {
  // Remote artifacts (s3://…) keep their locator; record paths are relative to the run dir.
  const abs = (rel: string) => (/^[a-z][a-z0-9+.-]*:\/\//.test(rel) ? rel : resolve(runDir, rel));
  const mapPaths = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, abs(v)]));
  const { dir, ...rest } = node;
  return {
    ...rest,
    children: [...node.children],
    inputs: { parameters: { ...node.inputs.parameters }, artifacts: mapPaths(node.inputs.artifacts) },
    outputs: { ...node.outputs, parameters: { ...node.outputs.parameters }, artifacts: mapPaths(node.outputs.artifacts) },
    ...(dir ? { dir: abs(dir) } : {}),
  };
}

function buildRecord(dir: string, wf: WorkflowState, nodes: Iterable<NodeState>): WorkflowRecord {
  const { pidStart: _p, uid: _u, creationTimestamp: _c, resumed: _r, ...rest } = wf;
  return { ...rest, dir, steps: [...nodes].map((n) => toStepRecord(dir, n)) };
}

/** Read a run's record from its journal: works for finished, running and interrupted runs. */
export function readWorkflowRecord(dir: string): WorkflowRecord {
  const abs = resolve(dir);
  if (!existsSync(join(abs, "journal.jsonl"))) throw new Error(`${abs} is not a dflow run record (no journal.jsonl)`);
  const { workflow, nodes } = replayJournal(join(abs, "journal.jsonl"));
  return buildRecord(abs, workflow, nodes.values());
}
