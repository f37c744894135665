// Reuse on Argo (`submit({ reuseStep })` in argo mode, src/compile/reuse.ts): what the transformed
// manifest carries, shared by the transform and by the mapping of a live workflow into records.
import type { Template, Workflow } from "./manifest.ts";

/** Workflow parameter holding the reuse table (JSON ReuseTable). */
export const REUSE_PARAMETER = "dflow_reuse";

/** What a reused step gives the step of the new run that has its key. */
export interface ReuseEntry {
  /** Id of the step it came from, for the record ("reused from …"). */
  from?: string;
  /** Output parameters, in Argo's string form. */
  parameters: Record<string, string>;
  /** Output artifacts: name → key in the artifact repository. */
  artifacts: Record<string, string>;
}

/** Reused steps by key. */
export type ReuseTable = Record<string, ReuseEntry>;

/**
 * Template annotations naming the template a wrapper or carrier stands for. A keyed step calls the
 * wrapper, which runs the wrapped template (step RUN_STEP) unless the key is in the table; then its
 * carrier (step REUSED_STEP) hands out the table's outputs instead.
 */
export const REUSE_WRAPPER_OF = "dflow-ts/reuse-wrapper-of";
export const REUSE_CARRIER_OF = "dflow-ts/reuse-carrier-of";
export const RUN_STEP = "run";
export const REUSED_STEP = "reused";

export type ReuseRole = "wrapper" | "carrier";

export function reuseRole(t: Pick<Template, "metadata">): ReuseRole | undefined {
  const a = t.metadata?.annotations;
  if (a?.[REUSE_WRAPPER_OF] !== undefined) return "wrapper";
  if (a?.[REUSE_CARRIER_OF] !== undefined) return "carrier";
  return undefined;
}

/** The table a transformed manifest carries, or undefined (absent or not a table). */
export function reuseTableOf(wf: Pick<Workflow, "spec">): ReuseTable | undefined {
  const text = wf.spec?.arguments?.parameters?.find((p) => p.name === REUSE_PARAMETER)?.value;
  if (typeof text !== "string") return undefined;
  try {
    const t: unknown = JSON.parse(text);
    return t !== null && typeof t === "object" && !Array.isArray(t) ? (t as ReuseTable) : undefined;
  } catch {
    return undefined;
  }
}
