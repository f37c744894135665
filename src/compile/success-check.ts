import type { DAGTask, Template as ArgoTemplate, WorkflowStep } from "../argo/manifest.ts";
import { ANNOTATION, DEFAULT_SHELL_IMAGE, KEY_PARAMETER } from "../argo/dflow-conventions.ts";

// continueOnNumSuccess / continueOnSuccessRatio (dflow §3.1.9), in plain Argo:
// - the looped step calls a wrapper Steps template that runs the real template with
//   continueOn.failed and outputs `dflow_success_tag` = "1" or "0" from the inner step's status
//   (a Steps output expression, which Argo evaluates itself), so every child reports;
// - a check step right after counts the tags Argo aggregates into a JSON list and fails when
//   too few children succeeded.

export const SUCCESS_TAG = "dflow_success_tag";
export const CHECK_TEMPLATE = "dflow-check-success";
/** The key a step with a success check passes to its wrapper, which hands it on as dflow_key. */
export const WRAPPED_KEY_PARAMETER = "dflow_wrapped_key";
/** Annotation of a success-check wrapper: the template it wraps. */
export const SUCCESS_WRAPPER_OF = "dflow-ts/success-wrapper-of";

export interface SuccessPolicy {
  continueOnNumSuccess?: number;
  continueOnSuccessRatio?: number;
}

export function needsSuccessCheck(s: SuccessPolicy): boolean {
  return s.continueOnNumSuccess !== undefined || s.continueOnSuccessRatio !== undefined;
}

/** The wrapper around `inner` for the step named `stepName`, passing the arguments it is given. */
export function successWrapper(name: string, inner: ArgoTemplate, stepName: string, passedArtifacts: string[]): ArgoTemplate {
  // The key goes to the inner step (each child is the keyed step, as without the wrapper) under
  // another name, so that the always-succeeding wrapper node does not carry it too.
  const params = (inner.inputs?.parameters ?? []).filter((p) => p.name !== KEY_PARAMETER).map((p) => ({ name: p.name, ...(p.default !== undefined ? { default: p.default } : {}) }));
  params.push({ name: WRAPPED_KEY_PARAMETER, default: "" });
  const arts = (inner.inputs?.artifacts ?? []).filter((a) => passedArtifacts.includes(a.name)).map((a) => ({ name: a.name }));
  const ref = (io: string, n: string) => `{{steps.${stepName}.outputs.${io}.${n}}}`;
  return {
    name,
    metadata: { annotations: { [ANNOTATION.opKind]: "steps", [SUCCESS_WRAPPER_OF]: inner.name } },
    inputs: { parameters: params, ...(arts.length ? { artifacts: arts } : {}) },
    outputs: {
      parameters: [
        ...(inner.outputs?.parameters ?? []).map((p) => ({ name: p.name, valueFrom: { parameter: ref("parameters", p.name), default: p.valueFrom?.default ?? "" } })),
        { name: SUCCESS_TAG, valueFrom: { expression: `steps['${stepName}'].status == 'Succeeded' ? '1' : '0'` } },
      ],
      ...(inner.outputs?.artifacts?.length
        ? { artifacts: inner.outputs.artifacts.map((a) => ({ name: a.name, from: ref("artifacts", a.name), optional: true })) }
        : {}),
    },
    steps: [
      [
        {
          name: stepName,
          template: inner.name,
          arguments: {
            parameters: [
              ...params.filter((p) => inner.inputs?.parameters?.some((q) => q.name === p.name)).map((p) => ({ name: p.name, value: `{{inputs.parameters.${p.name}}}` })),
              { name: KEY_PARAMETER, value: `{{inputs.parameters.${WRAPPED_KEY_PARAMETER}}}` },
            ],
            ...(arts.length ? { artifacts: arts.map((a) => ({ name: a.name, from: `{{inputs.artifacts.${a.name}}}` })) } : {}),
          },
          continueOn: { failed: true },
        },
      ],
    ],
  };
}

/** Fails unless enough tags are "1": `mode` is "count" (at least N) or "ratio" (at least r × total). */
export function checkTemplate(): ArgoTemplate {
  return {
    name: CHECK_TEMPLATE,
    metadata: { annotations: { [ANNOTATION.opKind]: "shell" } },
    inputs: { parameters: [{ name: "tags" }, { name: "mode" }, { name: "threshold" }] },
    script: {
      image: DEFAULT_SHELL_IMAGE,
      command: ["sh"],
      // Tags are "0"/"1" only, whether Argo aggregates them as ["1","0"] or [1,0].
      source: [
        "tags='{{inputs.parameters.tags}}'",
        "ok=$(printf '%s' \"$tags\" | tr -cd 1 | wc -c)",
        "total=$(printf '%s' \"$tags\" | tr -cd 01 | wc -c)",
        "awk -v ok=\"$ok\" -v total=\"$total\" -v mode='{{inputs.parameters.mode}}' -v t='{{inputs.parameters.threshold}}' 'BEGIN {",
        '  need = (mode == "ratio") ? t * total : t',
        '  printf "%d of %d parallel steps succeeded (%s %s needed)\\n", ok, total, (mode == "ratio") ? "ratio" : "count", t',
        "  exit (ok + 0 >= need) ? 0 : 1",
        "}'",
      ].join("\n"),
    },
  };
}

export function checkArguments(s: SuccessPolicy, stepRef: string): NonNullable<WorkflowStep["arguments"]> {
  const ratio = s.continueOnSuccessRatio !== undefined;
  return {
    parameters: [
      { name: "tags", value: `{{${stepRef}.outputs.parameters.${SUCCESS_TAG}}}` },
      { name: "mode", value: ratio ? "ratio" : "count" },
      { name: "threshold", value: String(ratio ? s.continueOnSuccessRatio : s.continueOnNumSuccess) },
    ],
  };
}

export function checkStepName(stepName: string): string {
  return `${stepName}-success-check`;
}

/** In a DAG: the check task, and tasks that depended on the step now also wait for its check. */
export function addDagChecks(tasks: DAGTask[], checked: Map<string, SuccessPolicy>): DAGTask[] {
  if (checked.size === 0) return tasks;
  const out: DAGTask[] = [];
  for (const t of tasks) {
    const deps = t.dependencies?.flatMap((d) => (checked.has(d) ? [d, checkStepName(d)] : [d]));
    out.push(deps ? { ...t, dependencies: deps } : t);
    const policy = checked.get(t.name);
    if (policy) out.push({ name: checkStepName(t.name), template: CHECK_TEMPLATE, arguments: checkArguments(policy, `tasks.${t.name}`), dependencies: [t.name] });
  }
  return out;
}
