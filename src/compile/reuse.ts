import type { Arguments, Artifact, DAGTask, Parameter, Template, Workflow, WorkflowStep } from "../argo/manifest.ts";
import { ANNOTATION, DEFAULT_SHELL_IMAGE, KEY_PARAMETER } from "../argo/dflow-conventions.ts";
import { REUSE_CARRIER_OF, REUSE_PARAMETER, REUSE_WRAPPER_OF, REUSED_STEP, RUN_STEP, type ReuseTable } from "../argo/reuse-conventions.ts";
import { ValidationError } from "../api/errors.ts";
import { TEMPLATE_NAME_MAX } from "../api/names.ts";
import { SUCCESS_TAG, SUCCESS_WRAPPER_OF } from "./success-check.ts";

// Reuse on Argo (dflow's submit(reuse_step=...)), in plain Argo and without pods:
// - the table of reused steps travels as the workflow parameter `dflow_reuse`;
// - a step that passes `dflow_key` calls a wrapper (Steps) instead of its template X. The wrapper
//   runs X (step "run") when its key is not in the table; otherwise its carrier (step "reused", a
//   Steps template) takes the table's outputs as arguments — computed with `{{=…}}`, the one place
//   where Argo sees the workflow's parameters and the wrapper's inputs together — and hands them
//   back as its outputs: parameters as values, artifacts as `s3: { key }` locations in the
//   artifact repository, which no pod downloads until a later step consumes them;
// - the wrapper's outputs pick the carrier's or X's, by the carrier's status.
// Keys may hold references (`iter-{{inputs.parameters.i}}`), so the match happens at run time,
// inside the wrapper, where the key is one rendered input parameter.

const TABLE = `sprig.fromJson(workflow.parameters.${REUSE_PARAMETER})`;
const KEY = `inputs.parameters.${KEY_PARAMETER}`;
const IS_REUSED = `${KEY} in ${TABLE}`;

/** An expr-lang string literal that cannot close a `{{…}}` tag. */
export function exprString(s: string): string {
  const escaped = s.replace(/[\\'{}\u0000-\u001f\u007f]/g, (c) =>
    c === "\\" || c === "'" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `'${escaped}'`;
}

interface CallShape {
  target: Template;
  parameters: string[];
  artifacts: string[];
}

/**
 * The manifest with every keyed step (one that passes `dflow_key`) going through a reuse wrapper,
 * and the table as workflow parameter. A key that matches no step of this workflow is harmless.
 */
export function applyReuse(manifest: Workflow, table: ReuseTable): Workflow {
  const wf = structuredClone(manifest);
  const spec = wf.spec;
  if (spec.arguments?.parameters?.some((p) => p.name === REUSE_PARAMETER)) {
    throw new ValidationError(`workflow parameter "${REUSE_PARAMETER}" is reserved for reused steps`, REUSE_PARAMETER, "reuse");
  }
  const templates = spec.templates ?? [];
  const byName = new Map(templates.map((t) => [t.name, t]));
  const taken = new Set(byName.keys());
  const wrappers = new Map<string, string>();
  const carriers = new Map<string, string>();
  const added: Template[] = [];
  let noop: string | undefined;

  const noopName = (): string => {
    if (!noop) {
      noop = freshName("dflow-reuse", "noop", taken);
      added.push(noopTemplate(noop));
    }
    return noop;
  };

  const carrierFor = (x: Template): string => {
    let name = carriers.get(x.name);
    if (name) return name;
    name = freshName(x.name, "reused", taken);
    carriers.set(x.name, name);
    added.push(carrierTemplate(name, x, noopName()));
    return name;
  };

  const wrapperFor = (call: CallShape): string => {
    const signature = JSON.stringify([call.target.name, call.parameters, call.artifacts]);
    let name = wrappers.get(signature);
    if (name) return name;
    name = freshName(call.target.name, "reusable", taken);
    wrappers.set(signature, name);
    added.push(wrapperTemplate(name, call, hasOutputs(call.target) ? carrierFor(call.target) : undefined));
    return name;
  };

  for (const t of templates) {
    const calls: (WorkflowStep | DAGTask)[] = [...(t.steps ?? []).flat(), ...(t.dag?.tasks ?? [])];
    const wrapped: string[] = [];
    for (const call of calls) {
      if (!call.arguments?.parameters?.some((p) => p.name === KEY_PARAMETER)) continue;
      const target = byName.get(call.template ?? "");
      if (!target) throw new ValidationError(`templates.${t.name}: step "${call.name}" calls the unknown template "${call.template}"`, call.name, "reuse");
      checkReusable(target, `step "${call.name}" of template "${t.name}"`);
      call.template = wrapperFor(shapeOf(call.arguments, target));
      if (call.name) wrapped.push(call.name);
    }
    checkNoResultReferences(t, wrapped);
  }
  spec.templates = [...templates, ...added];
  (spec.arguments ??= {}).parameters = [...(spec.arguments.parameters ?? []), { name: REUSE_PARAMETER, value: tableText(table) }];
  return wf;
}

/**
 * The table as JSON without `{{`: Argo substitutes `{{…}}` throughout the spec, parameter values
 * included. Only a string can hold `{{` (a JSON object opens with `{"`), where `\u007b` is the same text.
 */
export function tableText(table: ReuseTable): string {
  return JSON.stringify(table).replace(/\{(?=\{)/g, "\\u007b");
}

function shapeOf(args: Arguments, target: Template): CallShape {
  return {
    target,
    parameters: (args.parameters ?? []).map((p) => p.name),
    artifacts: (args.artifacts ?? []).map((a) => a.name),
  };
}

function hasOutputs(t: Template): boolean {
  return Boolean(t.outputs?.parameters?.length || t.outputs?.artifacts?.length);
}

/** Output artifacts saved at a location of their own (sliced outputs stacked into one key) cannot be handed over by reference. */
function checkReusable(t: Template, where: string): void {
  const placed = (t.outputs?.artifacts ?? []).filter((a) => a.s3 !== undefined).map((a) => a.name);
  if (placed.length) {
    throw new ValidationError(
      `${where}: its output artifact(s) ${placed.map((n) => `"${n}"`).join(", ")} are saved at a location of their own (stacked slices); reusing such a step is not supported on Argo`,
      t.name,
      "reuse",
    );
  }
}

/** A wrapper is a Steps template: it has no `outputs.result` or `exitCode` to give. */
function checkNoResultReferences(t: Template, wrapped: string[]): void {
  if (!wrapped.length) return;
  const text = JSON.stringify({ steps: t.steps, dag: t.dag, outputs: t.outputs });
  for (const name of wrapped) {
    const n = name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
    const ref = new RegExp(`(?:steps|tasks)(?:\\.${n}|\\[\\\\?['"]${n}\\\\?['"]\\])\\.(?:outputs\\.result|outputs\\.exitCode|exitCode)\\b`);
    if (ref.test(text)) {
      throw new ValidationError(
        `templates.${t.name}: the keyed step "${name}" is referred to by its outputs.result or exitCode, which a reusable step does not have on Argo; declare an output parameter instead`,
        name,
        "reuse",
      );
    }
  }
}

function freshName(base: string, suffix: string, taken: Set<string>): string {
  for (let i = 1; ; i++) {
    const tail = i === 1 ? `-${suffix}` : `-${suffix}-${i}`;
    const name = `${base.slice(0, TEMPLATE_NAME_MAX - tail.length).replace(/[^a-z0-9]+$/, "")}${tail}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

function wrapperTemplate(name: string, call: CallShape, carrier: string | undefined): Template {
  const x = call.target;
  const inputArtifact = (n: string) => x.inputs?.artifacts?.find((a) => a.name === n);
  const optional = (n: string) => Boolean(inputArtifact(n)?.optional);
  const run: WorkflowStep = {
    name: RUN_STEP,
    template: x.name,
    arguments: passThrough(call, optional),
    when: `{{=!(${IS_REUSED})}}`,
  };
  const steps: WorkflowStep[] = [run];
  if (carrier) steps.push({ name: REUSED_STEP, template: carrier, arguments: fromTable(x), when: `{{=${IS_REUSED}}}` });
  const pick = (kind: "parameters" | "artifacts", n: string) =>
    `steps['${REUSED_STEP}'].status == 'Succeeded' ? steps['${REUSED_STEP}'].outputs.${kind}[${exprString(n)}] : steps['${RUN_STEP}'].outputs.${kind}[${exprString(n)}]`;
  const outParams: Parameter[] = (x.outputs?.parameters ?? []).map((p) => ({
    name: p.name,
    valueFrom: { expression: pick("parameters", p.name), ...(p.valueFrom?.default !== undefined ? { default: p.valueFrom.default } : {}) },
    ...(p.globalName ? { globalName: p.globalName } : {}),
  }));
  const outArtifacts: Artifact[] = (x.outputs?.artifacts ?? []).map((a) => ({
    name: a.name,
    fromExpression: pick("artifacts", a.name),
    ...(a.optional ? { optional: true } : {}),
    ...(a.globalName ? { globalName: a.globalName } : {}),
  }));
  return {
    name,
    metadata: { annotations: { [ANNOTATION.opKind]: "steps", [REUSE_WRAPPER_OF]: x.name } },
    inputs: {
      parameters: call.parameters.map((n) => ({ name: n })),
      ...(call.artifacts.length ? { artifacts: call.artifacts.map((n) => ({ name: n, ...(optional(n) ? { optional: true } : {}) })) } : {}),
    },
    ...(outParams.length || outArtifacts.length
      ? { outputs: { ...(outParams.length ? { parameters: outParams } : {}), ...(outArtifacts.length ? { artifacts: outArtifacts } : {}) } }
      : {}),
    steps: [steps],
  };
}

function passThrough(call: CallShape, optional: (artifact: string) => boolean): Arguments {
  return {
    parameters: call.parameters.map((n) => ({ name: n, value: `{{inputs.parameters.${n}}}` })),
    ...(call.artifacts.length
      ? { artifacts: call.artifacts.map((n) => ({ name: n, from: `{{inputs.artifacts.${n}}}`, ...(optional(n) ? { optional: true } : {}) })) }
      : {}),
  };
}

/** The carrier's arguments: this key's entry of the table. */
function fromTable(x: Template): Arguments {
  const entry = (kind: "parameters" | "artifacts", n: string) => `${TABLE}[${KEY}].${kind}[${exprString(n)}]`;
  // A reused child of a loop with a success check counts as a success.
  const isCheck = x.metadata?.annotations?.[SUCCESS_WRAPPER_OF] !== undefined;
  const params = (x.outputs?.parameters ?? []).map((p) => {
    const dflt = isCheck && p.name === SUCCESS_TAG ? "1" : p.valueFrom?.default;
    const fallback = dflt !== undefined ? ` ?? ${exprString(dflt)}` : "";
    return { name: p.name, value: `{{=${entry("parameters", p.name)}${fallback}}}` };
  });
  // An artifact the reused step does not have gets an empty key: absent if the output is optional,
  // else the carrier fails ("missing location information").
  const arts = (x.outputs?.artifacts ?? []).map((a) => ({ name: a.name, ...(a.optional ? { optional: true } : {}), s3: { key: `{{=${entry("artifacts", a.name)} ?? ''}}` } }));
  return { ...(params.length ? { parameters: params } : {}), ...(arts.length ? { artifacts: arts } : {}) };
}

/**
 * Hands its inputs back as outputs. Argo has no Steps template without steps, so it holds one that
 * never runs.
 */
function carrierTemplate(name: string, x: Template, noop: string): Template {
  const params = (x.outputs?.parameters ?? []).map((p) => p.name);
  // Optional only where X's output is: Argo copies `optional` along with the artifact to the steps that consume it.
  const arts = (x.outputs?.artifacts ?? []).map((a) => ({ name: a.name, ...(a.optional ? { optional: true } : {}) }));
  return {
    name,
    metadata: { annotations: { [ANNOTATION.opKind]: "steps", [REUSE_CARRIER_OF]: x.name } },
    inputs: {
      ...(params.length ? { parameters: params.map((n) => ({ name: n })) } : {}),
      ...(arts.length ? { artifacts: arts } : {}),
    },
    outputs: {
      // An expression, not `{{inputs.parameters.x}}`: Argo would substitute that before reading it.
      ...(params.length ? { parameters: params.map((n) => ({ name: n, valueFrom: { expression: `inputs.parameters[${exprString(n)}]` } })) } : {}),
      ...(arts.length ? { artifacts: arts.map((a) => ({ ...a, from: `{{inputs.artifacts.${a.name}}}` })) } : {}),
    },
    steps: [[{ name: "none", template: noop, when: "false" }]],
  };
}

function noopTemplate(name: string): Template {
  return {
    name,
    metadata: { annotations: { [ANNOTATION.opKind]: "shell" } },
    container: { image: DEFAULT_SHELL_IMAGE, command: ["true"] },
  };
}
