import type { ReusedStep } from "../argo/dflow-conventions.ts";
import type { ReuseTable } from "../argo/reuse-conventions.ts";
import { s3LocatorKey } from "../storage/keys.ts";
import { DflowError } from "./errors.ts";
import type { StepInfo } from "./step-info.ts";

function keyOf(step: StepInfo): string {
  if (step.key === undefined) {
    throw new DflowError(`reuseStep: step "${step.displayName}" (${step.id}) has no key; only steps with a key can be reused`, step.displayName, "reuse");
  }
  return step.key;
}

/**
 * The steps that can be reused: those with a key (nothing could match a step without one, e.g. a
 * Steps or a keyless pod among `queryStep({ phase: "Succeeded" })`'s results). Refused only if none has.
 */
export function reusableSteps(steps: readonly StepInfo[]): StepInfo[] {
  const keyed = steps.filter((s) => s.key !== undefined);
  if (keyed.length === 0) {
    const names = steps.slice(0, 3).map((s) => `"${s.displayName}" (${s.id})`).join(", ");
    throw new DflowError(`reuseStep: none of the ${steps.length} steps has a key (${names}${steps.length > 3 ? ", ..." : ""}); only steps with a key can be reused`, "reuseStep", "reuse");
  }
  return keyed;
}

const outputParameters = (step: StepInfo) => Object.fromEntries(Object.entries(step.outputs.parameters).map(([k, v]) => [k, v.value]));

/** A queried step as the local engine reuses it: its key and (possibly modified) outputs, artifacts by path. */
export function localReusedStep(step: StepInfo): ReusedStep {
  return {
    key: keyOf(step),
    from: step.id,
    parameters: outputParameters(step),
    artifacts: Object.fromEntries(Object.entries(step.outputs.artifacts).map(([k, v]) => [k, v.path])),
  };
}

/**
 * Queried steps as the reuse table of an Argo run: artifacts by their key in the artifact
 * repository (`s3://<bucket>/<key>` locators, as steps queried from Argo name them). When two steps
 * have the same key, the later one wins.
 */
export function argoReuseTable(steps: readonly StepInfo[]): ReuseTable {
  const table: ReuseTable = {};
  for (const step of steps) {
    const key = keyOf(step);
    const artifacts: Record<string, string> = {};
    for (const [name, a] of Object.entries(step.outputs.artifacts)) {
      const repoKey = s3LocatorKey(a.path);
      if (repoKey === undefined) {
        throw new DflowError(
          `reuseStep: artifact "${name}" of step "${step.displayName}" (${step.id}) is at ${a.path}; on Argo a reused artifact must be in the S3 artifact repository (an s3:// locator, as steps queried from an Argo run have)`,
          step.displayName,
          "reuse",
        );
      }
      artifacts[name] = repoKey;
    }
    table[key] = { from: step.id, parameters: outputParameters(step), artifacts };
  }
  return table;
}
