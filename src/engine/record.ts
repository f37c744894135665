// The run's on-disk record, in dflow's debug-mode layout (see README of the engine in index.ts):
// `<root>/<id>/{status, workflow.json, journal.jsonl, <step dir>/…}`. Phase files are rewritten
// atomically (temp + rename) so a reader never sees a torn value.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { NodePhase, Workflow } from "../argo/manifest.ts";
import { Journal, replayJournal, type NodeState, type WorkflowState } from "./journal.ts";
import type { EngineEvent, StepChange, StepRecord, WorkflowRecord } from "./types.ts";

export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const DIR_NAME_MAX = 120;

/** A directory name from a step key or display name: safe characters only, never "." or "..". */
export function dirNameFor(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, DIR_NAME_MAX);
  return cleaned || "step";
}

export class RunRecord {
  private readonly journal: Journal;
  private readonly nodes = new Map<string, NodeState>();
  private readonly usedDirs = new Set<string>(["workflow.json", "journal.jsonl", "status", "pid", ".bundles", "arguments"]);
  private workflow: WorkflowState;

  constructor(
    readonly dir: string,
    workflow: WorkflowState,
    private readonly onEvent?: (e: EngineEvent) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.journal = new Journal(join(dir, "journal.jsonl"));
    this.workflow = { ...workflow };
  }

  start(manifest: Workflow): void {
    writeFileSync(join(this.dir, "workflow.json"), JSON.stringify(manifest, null, 2));
    this.setWorkflow({ ...this.workflow, pid: process.pid });
  }

  get workflowState(): Readonly<WorkflowState> {
    return this.workflow;
  }

  setWorkflow(patch: Partial<WorkflowState>): void {
    this.workflow = { ...this.workflow, ...patch };
    this.journal.append({ k: "wf", at: new Date().toISOString(), wf: patch });
    if (patch.phase !== undefined) writeFileAtomic(join(this.dir, "status"), this.workflow.phase + "\n");
    this.onEvent?.({ type: "workflow", id: this.workflow.id, phase: this.workflow.phase, message: this.workflow.message });
  }

  node(id: string): NodeState {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`internal: unknown node ${id}`);
    return n;
  }

  allNodes(): IterableIterator<NodeState> {
    return this.nodes.values();
  }

  /** Register a node; `dirHint` (a key or display name) gives it a step directory. */
  createNode(node: NodeState, dirHint?: string): NodeState {
    if (dirHint !== undefined) {
      const base = dirNameFor(dirHint);
      let name = base;
      for (let i = 2; this.usedDirs.has(name); i++) name = `${base}-${i}`;
      this.usedDirs.add(name);
      node.dir = name;
      const abs = join(this.dir, name);
      mkdirSync(abs, { recursive: true });
      writeFileSync(join(abs, "type"), node.type + "\n");
      writeFileAtomic(join(abs, "phase"), node.phase + "\n");
    }
    this.nodes.set(node.id, node);
    if (node.parentId) {
      const parent = this.nodes.get(node.parentId);
      if (parent && !parent.children.includes(node.id)) parent.children.push(node.id);
    }
    this.persist(node, "created");
    return node;
  }

  updateNode(id: string, patch: Partial<NodeState>, change: StepChange = "progress"): NodeState {
    const node = this.node(id);
    const phaseChanged = patch.phase !== undefined && patch.phase !== node.phase;
    Object.assign(node, patch);
    if (node.dir && phaseChanged) writeFileAtomic(join(this.dir, node.dir, "phase"), node.phase + "\n");
    if (node.dir && patch.type) writeFileSync(join(this.dir, node.dir, "type"), node.type + "\n");
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

  /** Write the node's parameter values as files under inputs/ or outputs/ of its directory. */
  writeParameters(node: NodeState, side: "inputs" | "outputs"): void {
    if (!node.dir) return;
    const params = node[side].parameters;
    const names = Object.keys(params);
    if (names.length === 0) return;
    const dir = join(this.dir, node.dir, side, "parameters");
    mkdirSync(dir, { recursive: true });
    for (const name of names) writeFileSync(join(dir, name), params[name]!);
  }

  private persist(node: NodeState, change: StepChange): void {
    this.journal.append({ k: "node", at: new Date().toISOString(), node });
    this.onEvent?.({ type: "step", change, step: toStepRecord(this.dir, node) });
  }

  toRecord(): WorkflowRecord {
    return buildRecord(this.dir, this.workflow, this.nodes.values());
  }
}

function toStepRecord(runDir: string, node: NodeState): StepRecord {
  const abs = (rel: string) => resolve(runDir, rel);
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
  return { ...wf, dir, steps: [...nodes].map((n) => toStepRecord(dir, n)) };
}

/** Read a run's record from its journal: works for finished, running and interrupted runs. */
export function readWorkflowRecord(dir: string): WorkflowRecord {
  const abs = resolve(dir);
  if (!existsSync(join(abs, "journal.jsonl"))) throw new Error(`${abs} is not a dflow run record (no journal.jsonl)`);
  const { workflow, nodes } = replayJournal(join(abs, "journal.jsonl"));
  return buildRecord(abs, workflow, nodes.values());
}
