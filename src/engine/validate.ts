// Checks before anything runs; each error names the element (`templates.main.steps[1].b`) and the
// rule it breaks, like `argo lint` does.
import { parse as parseYaml } from "yaml";
import { findCycle } from "../argo/graph.ts";
import type { DAGTask, Template, Workflow, WorkflowStep } from "../argo/manifest.ts";
import { parseDepends, dependsFromList, referencedTasks } from "./depends.ts";
import { ANNOTATION } from "../argo/dflow-conventions.ts";
import { ValidationError } from "./errors.ts";
import { findPlaceholders } from "./expressions.ts";
import { parseDuration } from "./duration.ts";

const UNSUPPORTED_KINDS = ["resource", "http", "plugin", "containerSet", "data"] as const;

const isObject = (v: unknown): boolean => v !== null && typeof v === "object" && !Array.isArray(v);

function listOf(value: unknown, where: string, what = "a list"): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError(where, `must be ${what}, got ${describe(value)}`);
  return value;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 80);
}

function scalar(v: unknown, where: string): void {
  if (v !== undefined && v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
    throw new ValidationError(where, `must be a string, number or boolean, got ${describe(v)}`);
}

/** A duration given literally (no {{…}}) must parse; templated ones are checked when rendered. */
function duration(v: unknown, where: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "string" && typeof v !== "number") throw new ValidationError(where, `must be a duration, got ${describe(v)}`);
  if (typeof v === "string" && v.includes("{{")) return;
  try {
    const seconds = parseDuration(v);
    if (!(seconds >= 0)) throw new Error(`invalid duration "${v}"`);
  } catch (e) {
    throw new ValidationError(where, `${(e as Error).message} (use e.g. 30, "90s", "1m30s", "2h")`);
  }
}

function positiveInt(v: unknown, where: string): void {
  if (v === undefined || v === null) return;
  if (typeof v === "string" && v.includes("{{")) return;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(where, `must be a positive integer, got ${describe(v)}`);
}

/** Names and scalar values of a list of parameters (arguments, inputs, outputs). */
function parameterList(v: unknown, where: string): void {
  for (const [i, p] of listOf(v, where).entries()) {
    const q = p as Record<string, unknown>;
    if (!isObject(p) || typeof q.name !== "string" || q.name === "") throw new ValidationError(`${where}[${i}]`, "a parameter needs a name");
    scalar(q.value, `${where}.${q.name}.value`);
    scalar(q.default, `${where}.${q.name}.default`);
    if (q.enum !== undefined) listOf(q.enum, `${where}.${q.name}.enum`);
  }
}

function artifactList(v: unknown, where: string): void {
  for (const [i, a] of listOf(v, where).entries())
    if (!isObject(a) || typeof (a as { name?: unknown }).name !== "string" || (a as { name: string }).name === "") throw new ValidationError(`${where}[${i}]`, "an artifact needs a name");
}

function stringList(v: unknown, where: string): void {
  for (const [i, x] of listOf(v, where, "a list of strings").entries())
    if (typeof x !== "string") throw new ValidationError(`${where}[${i}]`, `must be a string, got ${describe(x)}${typeof x === "number" || typeof x === "boolean" ? " (quote it in YAML)" : ""}`);
}

export function validateWorkflow(wf: Workflow): void {
  if (!isObject(wf)) throw new ValidationError("manifest", `must be a map (an Argo Workflow), got ${describe(wf)}`);
  if (wf.kind !== "Workflow") throw new ValidationError("kind", `expected "Workflow", got ${JSON.stringify(wf.kind)}`);
  if (!isObject(wf.metadata)) throw new ValidationError("metadata", "is required (a map with name or generateName)");
  if (wf.metadata.name !== undefined && (typeof wf.metadata.name !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(wf.metadata.name)))
    throw new ValidationError("metadata.name", `${JSON.stringify(wf.metadata.name)} is not a valid name (lowercase letters, digits, "-" and ".")`);
  if (!isObject(wf.spec)) throw new ValidationError("spec", "is required");
  listOf(wf.spec.templates, "spec.templates");
  parameterList(wf.spec.arguments?.parameters, "spec.arguments.parameters");
  artifactList(wf.spec.arguments?.artifacts, "spec.arguments.artifacts");
  positiveInt(wf.spec.parallelism, "spec.parallelism");
  duration(wf.spec.activeDeadlineSeconds, "spec.activeDeadlineSeconds");
  const templates = new Map<string, Template>();
  for (const [i, t] of (wf.spec.templates ?? []).entries()) {
    if (!isObject(t)) throw new ValidationError(`spec.templates[${i}]`, `must be a map, got ${describe(t)}`);
    if (!t?.name) throw new ValidationError(`spec.templates[${i}]`, "template has no name");
    if (templates.has(t.name)) throw new ValidationError(`templates.${t.name}`, "template name is used twice");
    templates.set(t.name, t);
  }
  const need = (name: string | undefined, where: string) => {
    if (!name) throw new ValidationError(where, "names no template");
    if (!templates.has(name)) throw new ValidationError(where, `template "${name}" not found`);
  };
  if (!wf.spec.entrypoint) throw new ValidationError("spec.entrypoint", "is required");
  need(wf.spec.entrypoint, "spec.entrypoint");
  if (wf.spec.onExit) need(wf.spec.onExit, "spec.onExit");
  checkHooks((wf.spec as { hooks?: unknown }).hooks, "spec", need);
  for (const p of wf.spec.arguments?.parameters ?? [])
    if (p.value === undefined && p.default === undefined && !p.valueFrom)
      throw new ValidationError(`spec.arguments.parameters.${p.name}`, "has no value (pass one with -p name=value)");
  refuseKubernetesResources(wf, templates);
  for (const t of templates.values()) validateTemplate(t, need);
}

/**
 * Resource templates (ResourceOPTemplate, useResource, SlurmJobTemplate) create Kubernetes objects:
 * refused as a whole before anything runs, naming the steps that would run them (the chain of
 * steps from the entrypoint, e.g. `step "hello" → "slurm-run"`) and what they need.
 */
function refuseKubernetesResources(wf: Workflow, templates: Map<string, Template>): void {
  const resources = [...templates.values()].filter((t) => isObject(t) && (t as { resource?: unknown }).resource !== undefined);
  if (resources.length === 0) return;
  const chains = new Map<string, { where: string; steps: string[] }>();
  const visit = (name: string | undefined, where: string, steps: string[], seen: Set<string>) => {
    const t = name === undefined ? undefined : templates.get(name);
    if (!t || seen.has(t.name)) return;
    if ((t as { resource?: unknown }).resource !== undefined) {
      if (!chains.has(t.name) && steps.length) chains.set(t.name, { where, steps });
      return;
    }
    const inner = new Set(seen).add(t.name);
    const groups = Array.isArray(t.steps) ? t.steps : [];
    groups.forEach((g, i) => {
      for (const s of Array.isArray(g) ? g : []) if (isObject(s)) visit(s.template, steps.length ? where : `templates.${t.name}.steps[${i}].${s.name}`, [...steps, s.name ?? "?"], inner);
    });
    for (const task of Array.isArray(t.dag?.tasks) ? t.dag.tasks : []) if (isObject(task)) visit(task.template, steps.length ? where : `templates.${t.name}.dag.tasks.${task.name}`, [...steps, task.name], inner);
  };
  visit(wf.spec.entrypoint, "spec.entrypoint", [], new Set());
  if (wf.spec.onExit) visit(wf.spec.onExit, "spec.onExit", [], new Set());
  const describe = (t: Template) => {
    const chain = chains.get(t.name);
    const who = chain ? `step ${chain.steps.map((s, i) => (i === 0 ? `"${s}"` : `→ "${s}"`)).join(" ")} (template "${t.name}")` : `template "${t.name}"`;
    return { where: chain?.where ?? `templates.${t.name}`, who, ...kubernetesObject(t) };
  };
  const all = resources.map(describe);
  const [first, ...others] = all;
  const wlm = all.some((r) => r.wlm);
  const what = (r: (typeof all)[number]) => `${r.who} ${r.action} a Kubernetes resource (${r.object})`;
  throw new ValidationError(
    first!.where,
    `${what(first!)}${others.length ? `; so do ${others.map(what).join("; ")}` : ""}: ${wlm ? "a SlurmJob needs a Kubernetes cluster with wlm-operator (Slurm partitions as virtual nodes)" : "this needs a Kubernetes cluster"}, and the local engine does not create Kubernetes resources. Run this workflow on Argo (config.mode = "argo"); to run a step as a Slurm job from here, use DispatcherExecutor or SlurmRemoteExecutor instead.`,
  );
}

/** Kind and API version of a resource template's manifest, as far as they can be read. */
function kubernetesObject(t: Template): { action: string; object: string; wlm: boolean } {
  const r = (t as { resource?: { action?: unknown; manifest?: unknown } }).resource ?? {};
  const verbs: Record<string, string> = { get: "reads", create: "creates", apply: "applies", delete: "deletes", replace: "replaces", patch: "patches" };
  const action = (typeof r.action === "string" && verbs[r.action]) || "uses";
  let doc: { kind?: unknown; apiVersion?: unknown } = {};
  try {
    const parsed: unknown = parseYaml(typeof r.manifest === "string" ? r.manifest : "");
    if (isObject(parsed)) doc = parsed as typeof doc;
  } catch {
    // an unreadable manifest is described as "a manifest"
  }
  const kind = typeof doc.kind === "string" ? doc.kind : undefined;
  const api = typeof doc.apiVersion === "string" ? doc.apiVersion : undefined;
  return { action, object: kind ? `${kind}${api ? ` ${api}` : ""}` : "manifest", wlm: !!api?.startsWith("wlm.sylabs.io/") };
}

function validateTemplate(t: Template, need: (name: string | undefined, where: string) => void): void {
  const where = `templates.${t.name}`;
  parameterList(t.inputs?.parameters, `${where}.inputs.parameters`);
  artifactList(t.inputs?.artifacts, `${where}.inputs.artifacts`);
  parameterList(t.outputs?.parameters, `${where}.outputs.parameters`);
  artifactList(t.outputs?.artifacts, `${where}.outputs.artifacts`);
  positiveInt(t.parallelism, `${where}.parallelism`);
  duration(t.activeDeadlineSeconds, `${where}.activeDeadlineSeconds`);
  duration(t.timeout, `${where}.timeout`);
  if (t.retryStrategy !== undefined) {
    if (!isObject(t.retryStrategy)) throw new ValidationError(`${where}.retryStrategy`, `must be a map, got ${describe(t.retryStrategy)}`);
    const b = t.retryStrategy.backoff;
    duration(b?.duration, `${where}.retryStrategy.backoff.duration`);
    duration(b?.cap, `${where}.retryStrategy.backoff.cap`);
    duration(b?.maxDuration, `${where}.retryStrategy.backoff.maxDuration`);
    const limit = t.retryStrategy.limit;
    if (limit !== undefined && !(typeof limit === "string" && limit.includes("{{")) && !(Number.isInteger(Number(limit)) && Number(limit) >= 0))
      throw new ValidationError(`${where}.retryStrategy.limit`, `must be a non-negative integer, got ${describe(limit)}`);
  }
  if (t.suspend !== undefined && t.suspend !== null) duration((t.suspend as { duration?: unknown }).duration, `${where}.suspend.duration`);
  for (const kind of ["container", "script"] as const) {
    const c = t[kind] as unknown as Record<string, unknown> | undefined;
    if (c === undefined) continue;
    if (!isObject(c)) throw new ValidationError(`${where}.${kind}`, `must be a map, got ${describe(c)}`);
    stringList(c.command, `${where}.${kind}.command`);
    stringList(c.args, `${where}.${kind}.args`);
    for (const [i, e] of listOf(c.env, `${where}.${kind}.env`).entries())
      if (!isObject(e) || typeof (e as { name?: unknown }).name !== "string") throw new ValidationError(`${where}.${kind}.env[${i}]`, "an environment variable needs a name");
    if (c.workingDir !== undefined && typeof c.workingDir !== "string") throw new ValidationError(`${where}.${kind}.workingDir`, `must be a string, got ${describe(c.workingDir)}`);
  }
  if (t.script !== undefined && typeof t.script.source !== "string") throw new ValidationError(`${where}.script.source`, "is required (the script's text)");
  if (t.steps !== undefined) listOf(t.steps, `${where}.steps`, "a list of step groups");
  if (t.dag !== undefined && (!isObject(t.dag) || !Array.isArray((t.dag as { tasks?: unknown }).tasks))) throw new ValidationError(`${where}.dag.tasks`, "must be a list of tasks");
  const record = t as unknown as Record<string, unknown>;
  for (const kind of UNSUPPORTED_KINDS)
    if (record[kind] !== undefined) throw new ValidationError(where, `"${kind}" templates are not supported by the local engine`);
  const kinds = (["container", "script", "steps", "dag", "suspend"] as const).filter((k) => t[k] !== undefined);
  if (kinds.length === 0) throw new ValidationError(where, "template has none of container, script, steps, dag, suspend");
  if (kinds.length > 1) throw new ValidationError(where, `template has more than one of ${kinds.join(", ")}`);
  const inputNames = new Set((t.inputs?.parameters ?? []).map((p) => p.name));
  const artifactNames = new Set((t.inputs?.artifacts ?? []).map((a) => a.name));
  // A function OP's source is a JS bundle, not text for Argo to substitute.
  const isFunction = t.metadata?.annotations?.[ANNOTATION.opKind] === "function";
  const podText = t.script && isFunction ? { ...t.script, source: "" } : (t.container ?? t.script);
  checkRefs(podText, where, (name, at) => {
    const m = /^inputs\.(parameters|artifacts)\.([^.]+)/.exec(name);
    if (m && !(m[1] === "parameters" ? inputNames : artifactNames).has(m[2]!))
      throw new ValidationError(at, `{{${name}}}: the template declares no input ${m[1] === "parameters" ? "parameter" : "artifact"} "${m[2]}"`);
  });
  if (t.steps) validateSteps(t, t.steps, need);
  if (t.dag) validateDag(t, t.dag.tasks ?? [], need);
}

function validateSteps(t: Template, groups: WorkflowStep[][], need: (name: string | undefined, where: string) => void): void {
  const seen = new Set<string>();
  const all = new Set(groups.flat().map((s) => s.name ?? ""));
  groups.forEach((group, i) => {
    if (!Array.isArray(group)) throw new ValidationError(`templates.${t.name}.steps[${i}]`, "a step group must be a list of steps");
    for (const step of group) {
      const where = `templates.${t.name}.steps[${i}].${step?.name ?? "?"}`;
      if (!isObject(step)) throw new ValidationError(`templates.${t.name}.steps[${i}]`, `a step must be a map, got ${describe(step)}`);
      if (!step.name) throw new ValidationError(where, "step has no name");
      childShape(step, where);
      if ((step as { templateRef?: unknown }).templateRef) throw new ValidationError(where, "templateRef is not supported by the local engine");
      need(step.template, `${where}.template`);
      if (step.onExit) need(step.onExit, `${where}.onExit`);
      checkHooks((step as { hooks?: unknown }).hooks, where, need);
      checkRefs({ a: step.arguments, w: step.when, p: step.withParam, s: step.withSequence }, where, (name, at) => {
        const m = /^steps\.([^.]+)\./.exec(name);
        if (!m) return;
        if (!all.has(m[1]!)) throw new ValidationError(at, `{{${name}}}: no step "${m[1]}" in this template`);
        if (!seen.has(m[1]!)) throw new ValidationError(at, `{{${name}}}: step "${m[1]}" runs in the same or a later group`);
      });
    }
    for (const step of group) {
      if (seen.has(step.name!)) throw new ValidationError(`templates.${t.name}.steps[${i}].${step.name}`, "step name is used twice in this template");
      seen.add(step.name!);
    }
  });
  checkRefs(t.outputs, `templates.${t.name}.outputs`, (name, at) => {
    const m = /^steps\.([^.]+)\./.exec(name);
    if (m && !all.has(m[1]!)) throw new ValidationError(at, `{{${name}}}: no step "${m[1]}" in this template`);
  });
}

function validateDag(t: Template, tasks: DAGTask[], need: (name: string | undefined, where: string) => void): void {
  const names = new Set<string>();
  for (const task of tasks) {
    const where = `templates.${t.name}.dag.tasks.${task?.name ?? "?"}`;
    if (!isObject(task)) throw new ValidationError(`templates.${t.name}.dag.tasks`, `a task must be a map, got ${describe(task)}`);
    if (!task.name) throw new ValidationError(where, "task has no name");
    childShape(task, where);
    if (names.has(task.name)) throw new ValidationError(where, "task name is used twice");
    names.add(task.name);
  }
  const deps = new Map<string, string[]>();
  for (const task of tasks) {
    const where = `templates.${t.name}.dag.tasks.${task.name}`;
    if ((task as { templateRef?: unknown }).templateRef) throw new ValidationError(where, "templateRef is not supported by the local engine");
    need(task.template, `${where}.template`);
    if (task.onExit) need(task.onExit, `${where}.onExit`);
    checkHooks((task as { hooks?: unknown }).hooks, where, need);
    if (task.depends !== undefined && task.dependencies) throw new ValidationError(where, "use either depends or dependencies, not both");
    let expr;
    try {
      expr = task.depends !== undefined ? parseDepends(task.depends) : dependsFromList(task.dependencies ?? []);
    } catch (e) {
      throw new ValidationError(`${where}.depends`, (e as Error).message);
    }
    const list = expr ? [...referencedTasks(expr)] : [];
    for (const d of list) if (!names.has(d)) throw new ValidationError(`${where}.depends`, `no task "${d}" in this DAG`);
    deps.set(task.name, list);
    checkRefs({ a: task.arguments, w: task.when, p: task.withParam, s: task.withSequence }, where, (name, at) => {
      const m = /^tasks\.([^.]+)\./.exec(name);
      if (m && !names.has(m[1]!)) throw new ValidationError(at, `{{${name}}}: no task "${m[1]}" in this DAG`);
    });
  }
  checkRefs(t.outputs, `templates.${t.name}.outputs`, (name, at) => {
    const m = /^tasks\.([^.]+)\./.exec(name);
    if (m && !names.has(m[1]!)) throw new ValidationError(at, `{{${name}}}: no task "${m[1]}" in this DAG`);
  });
  const target = t.dag?.target;
  if (target && !target.includes("{{"))
    for (const n of target.split(/[\s,]+/).filter(Boolean))
      if (!names.has(n)) throw new ValidationError(`templates.${t.name}.dag.target`, `no task "${n}" in this DAG`);
  checkAcyclic(t.name, deps);
}

/** What a step and a task share: arguments, loops. */
function childShape(c: WorkflowStep | DAGTask, where: string): void {
  if (c.arguments !== undefined && !isObject(c.arguments)) throw new ValidationError(`${where}.arguments`, `must be a map, got ${describe(c.arguments)}`);
  parameterList(c.arguments?.parameters, `${where}.arguments.parameters`);
  artifactList(c.arguments?.artifacts, `${where}.arguments.artifacts`);
  listOf(c.withItems, `${where}.withItems`);
  if (c.withParam !== undefined && typeof c.withParam !== "string") throw new ValidationError(`${where}.withParam`, `must be a string (a JSON list, or {{…}} giving one), got ${describe(c.withParam)}`);
  if (c.withSequence !== undefined && !isObject(c.withSequence)) throw new ValidationError(`${where}.withSequence`, `must be a map (count or start/end), got ${describe(c.withSequence)}`);
  const loops = [c.withItems, c.withParam, c.withSequence].filter((x) => x !== undefined).length;
  if (loops > 1) throw new ValidationError(where, "use only one of withItems, withParam, withSequence");
  if (c.when !== undefined && typeof c.when !== "string") throw new ValidationError(`${where}.when`, `must be a string, got ${describe(c.when)}`);
}

function checkAcyclic(template: string, deps: Map<string, string[]>): void {
  const cycle = findCycle(deps);
  if (cycle) throw new ValidationError(`templates.${template}.dag`, `dependency cycle: ${cycle.join(" -> ")}`);
}

/** Call `check(name, where)` for every plain `{{name}}` placeholder in the strings of `value`. */
function checkRefs(value: unknown, where: string, check: (name: string, where: string) => void): void {
  if (typeof value === "string") {
    if (!value.includes("{{")) return;
    for (const p of findPlaceholders(value)) if (!p.expr) check(p.name.trim(), where);
  } else if (Array.isArray(value)) value.forEach((v) => checkRefs(v, where, check));
  else if (value && typeof value === "object") for (const v of Object.values(value)) checkRefs(v, where, check);
}

/** Step/task lifecycle hooks: `exit` runs (as onExit does); hooks on other events are refused, not silently skipped. */
function checkHooks(hooks: unknown, where: string, need: (name: string | undefined, where: string) => void): void {
  if (hooks === undefined) return;
  if (!isObject(hooks)) throw new ValidationError(`${where}.hooks`, `must be a map of hooks, got ${describe(hooks)}`);
  for (const [event, hook] of Object.entries(hooks as Record<string, unknown>)) {
    if (event !== "exit") throw new ValidationError(`${where}.hooks.${event}`, "only the exit hook is supported by the local engine (hooks on expressions such as running are not)");
    if (!isObject(hook)) throw new ValidationError(`${where}.hooks.exit`, `must be a map, got ${describe(hook)}`);
    need((hook as { template?: string }).template, `${where}.hooks.exit.template`);
  }
}
