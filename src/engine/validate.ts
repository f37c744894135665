// Checks before anything runs; each error names the element and the rule it breaks.
import type { Workflow } from "../argo/manifest.ts";
import { ValidationError } from "./errors.ts";

export function validateWorkflow(wf: Workflow): void {
  if (wf.kind !== "Workflow") throw new ValidationError("kind", `expected "Workflow", got "${String(wf.kind)}"`);
  if (!wf.spec?.entrypoint) throw new ValidationError("spec.entrypoint", "is required");
}
