// Turns two successive snapshots of a workflow into the engine's events, so a caller watching an
// Argo run gets the same callbacks as with the local engine.
import type { EngineEvent, StepChange, StepRecord, WorkflowRecord } from "../../engine/types.ts";

const FINAL = new Set(["Succeeded", "Failed", "Error", "Skipped", "Omitted"]);

export function isFinalWorkflowPhase(phase: string): boolean {
  return phase === "Succeeded" || phase === "Failed" || phase === "Error";
}

export function diffRecords(prev: WorkflowRecord | undefined, next: WorkflowRecord): EngineEvent[] {
  const events: EngineEvent[] = [];
  if (!prev || prev.phase !== next.phase || prev.message !== next.message) {
    events.push({ type: "workflow", id: next.id, phase: next.phase, ...(next.message !== undefined ? { message: next.message } : {}) });
  }
  const before = new Map(prev?.steps.map((s) => [s.id, s]));
  for (const step of next.steps) {
    for (const change of stepChanges(before.get(step.id), step)) events.push({ type: "step", change, step });
  }
  return events;
}

function stepChanges(old: StepRecord | undefined, s: StepRecord): StepChange[] {
  const out: StepChange[] = [];
  if (!old) out.push("created");
  const leftPending = s.phase !== "Pending" && (old === undefined || old.phase === "Pending");
  // Skipped and omitted steps never start (the local engine reports them created, then finished).
  const started = leftPending && s.phase !== "Skipped" && s.phase !== "Omitted";
  if (started) out.push("started");
  if (FINAL.has(s.phase)) {
    if (!old || !FINAL.has(old.phase)) out.push("finished");
  } else if (!started && old && (old.progress !== s.progress || old.message !== s.message)) out.push("progress");
  return out;
}
