// Append-only JSON-lines journal of state transitions. Every line carries a full snapshot of what
// changed (the workflow's fields or one node), so replaying the lines in order reconstructs the
// latest state of the workflow and of every node, even when the last line was cut by a crash.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { NodePhase, NodeType, WorkflowPhase } from "../argo/manifest.ts";
import type { StepIO, StepOutputs } from "./types.ts";

/** A node as journaled: paths (dir, artifacts) are relative to the run directory. */
export interface NodeState {
  id: string;
  name: string;
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
  dir?: string;
}

export interface WorkflowState {
  id: string;
  name: string;
  phase: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  pid?: number;
}

export type JournalEntry = { k: "wf"; at: string; wf: Partial<WorkflowState> } | { k: "node"; at: string; node: NodeState };

export class Journal {
  constructor(readonly path: string) {}

  append(entry: JournalEntry): void {
    appendFileSync(this.path, JSON.stringify(entry) + "\n");
  }
}

export interface Replayed {
  workflow: WorkflowState;
  nodes: Map<string, NodeState>;
}

export function replayJournal(path: string): Replayed {
  const workflow: WorkflowState = { id: "", name: "", phase: "" };
  const nodes = new Map<string, NodeState>();
  if (!existsSync(path)) return { workflow, nodes };
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue; // a torn last line after a crash
    }
    if (entry.k === "wf") Object.assign(workflow, entry.wf);
    else nodes.set(entry.node.id, entry.node);
  }
  return { workflow, nodes };
}
