// The records of a run whose keyed steps went through reuse wrappers (src/compile/reuse.ts), as the
// user wrote them: one record per keyed step, never the wrapper and its inner step both.
// - The step ran: its record is the inner "run" node (its id, so that logs find the pod), under the
//   wrapper's display name and parent, with the wrapper's phase.
// - The step was reused: its record is the wrapper node, typed as the wrapped template, with the
//   message "reused from <id>" as on the local engine.
// The wrapper's step groups and the carrier's subtree are left out.
import type { StepRecord } from "../engine/types.ts";
import type { NodeType, Template } from "./manifest.ts";
import { REUSE_WRAPPER_OF, REUSED_STEP, reuseRole, RUN_STEP, type ReuseTable } from "./reuse-conventions.ts";

export function collapseReuseWrappers(records: StepRecord[], templates: readonly Template[], table: ReuseTable | undefined): StepRecord[] {
  const byTemplate = new Map(templates.map((t) => [t.name, t]));
  const wrapped = (r: StepRecord): Template | undefined => {
    const t = r.templateName === undefined ? undefined : byTemplate.get(r.templateName);
    return t && reuseRole(t) === "wrapper" ? byTemplate.get(t.metadata!.annotations![REUSE_WRAPPER_OF]!) : undefined;
  };
  if (!records.some((r) => wrapped(r))) return records;
  const byId = new Map(records.map((r) => [r.id, r]));
  const kids = (r: StepRecord) => r.children.flatMap((id) => byId.get(id) ?? []);
  const dropped = new Set<string>();
  const dropTree = (r: StepRecord) => {
    dropped.add(r.id);
    kids(r).forEach(dropTree);
  };
  /** Wrapper id → the record standing for its step. */
  const standIn = new Map<string, StepRecord>();
  const renamed = new Map<string, string>();

  for (const w of records) {
    const x = wrapped(w);
    if (!x) continue;
    if (w.type !== "Steps") {
      standIn.set(w.id, { ...w, templateName: x.name });
      continue;
    }
    const groups = kids(w);
    const inner = groups.flatMap(kids);
    groups.forEach((g) => dropped.add(g.id));
    const run = inner.find((n) => n.name === RUN_STEP);
    const carrier = inner.find((n) => n.name === REUSED_STEP);
    if (carrier) dropTree(carrier);
    if (run && run.phase !== "Skipped" && run.phase !== "Omitted") {
      const message = run.message ?? w.message;
      standIn.set(w.id, {
        ...run,
        name: w.name,
        ...(w.key !== undefined ? { key: w.key } : {}),
        phase: w.phase,
        ...parentOf(w),
        ...(message !== undefined ? { message } : {}),
      });
      dropped.add(run.id);
      // Retry attempts are named after the step: `run(0)` → `a(0)`.
      for (const attempt of kids(run)) if (attempt.name.startsWith(`${RUN_STEP}(`)) renamed.set(attempt.id, w.name + attempt.name.slice(RUN_STEP.length));
      continue;
    }
    if (run) dropTree(run);
    const reused = carrier?.phase === "Succeeded";
    const from = w.key !== undefined ? table?.[w.key]?.from : undefined;
    const rest: StepRecord = { ...w };
    delete rest.message;
    standIn.set(w.id, {
      ...rest,
      type: nodeTypeOf(x),
      templateName: x.name,
      children: [],
      ...(reused ? { message: `reused from ${from ?? "an earlier run"}` } : w.message !== undefined ? { message: w.message } : {}),
    });
  }

  const idOf = (id: string) => standIn.get(id)?.id ?? id;
  const out: StepRecord[] = [];
  for (const r of records) {
    if (dropped.has(r.id)) continue;
    const rec = standIn.get(r.id) ?? r;
    const name = renamed.get(r.id);
    out.push({ ...rec, ...(name !== undefined ? { name } : {}), children: rec.children.filter((c) => !dropped.has(c) || standIn.has(c)).map(idOf), ...(rec.parentId !== undefined ? { parentId: idOf(rec.parentId) } : {}) });
  }
  return out;
}

function parentOf(w: StepRecord): Pick<StepRecord, "parentId" | "boundaryId"> {
  return { ...(w.parentId !== undefined ? { parentId: w.parentId } : {}), ...(w.boundaryId !== undefined ? { boundaryId: w.boundaryId } : {}) };
}

/** What the wrapped template's own node would be, as the local engine types a reused node. */
function nodeTypeOf(t: Template): NodeType {
  if (t.retryStrategy) return "Retry";
  if (t.steps) return "Steps";
  if (t.dag) return "DAG";
  if (t.suspend) return "Suspend";
  return "Pod";
}
