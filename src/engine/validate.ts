// Checks before anything runs; each error names the element (`templates.main.steps[1].b`) and the
// rule it breaks, like `argo lint` does.
import type { DAGTask, Template, Workflow, WorkflowStep } from "../argo/manifest.ts";
import { parseDepends, dependsFromList, referencedTasks } from "./depends.ts";
import { ANNOTATION } from "../argo/dflow-conventions.ts";
import { ValidationError } from "./errors.ts";
import { findPlaceholders } from "./expressions.ts";

const UNSUPPORTED_KINDS = ["resource", "http", "plugin", "containerSet", "data"] as const;

export function validateWorkflow(wf: Workflow): void {
  if (wf?.kind !== "Workflow") throw new ValidationError("kind", `expected "Workflow", got ${JSON.stringify(wf?.kind)}`);
  if (!wf.spec) throw new ValidationError("spec", "is required");
  const templates = new Map<string, Template>();
  for (const [i, t] of (wf.spec.templates ?? []).entries()) {
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
  for (const p of wf.spec.arguments?.parameters ?? [])
    if (p.value === undefined && p.default === undefined && !p.valueFrom)
      throw new ValidationError(`spec.arguments.parameters.${p.name}`, "has no value (pass one with -p name=value)");
  for (const t of templates.values()) validateTemplate(t, need);
}

function validateTemplate(t: Template, need: (name: string | undefined, where: string) => void): void {
  const where = `templates.${t.name}`;
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
      const where = `templates.${t.name}.steps[${i}].${step.name ?? "?"}`;
      if (!step.name) throw new ValidationError(where, "step has no name");
      if ((step as { templateRef?: unknown }).templateRef) throw new ValidationError(where, "templateRef is not supported by the local engine");
      need(step.template, `${where}.template`);
      if (step.onExit) need(step.onExit, `${where}.onExit`);
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
    const where = `templates.${t.name}.dag.tasks.${task.name ?? "?"}`;
    if (!task.name) throw new ValidationError(where, "task has no name");
    if (names.has(task.name)) throw new ValidationError(where, "task name is used twice");
    names.add(task.name);
  }
  const deps = new Map<string, string[]>();
  for (const task of tasks) {
    const where = `templates.${t.name}.dag.tasks.${task.name}`;
    if ((task as { templateRef?: unknown }).templateRef) throw new ValidationError(where, "templateRef is not supported by the local engine");
    need(task.template, `${where}.template`);
    if (task.onExit) need(task.onExit, `${where}.onExit`);
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
  findCycle(t.name, deps);
}

function findCycle(template: string, deps: Map<string, string[]>): void {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (n: string) => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "visiting") {
      const cycle = [...path.slice(path.indexOf(n)), n].join(" -> ");
      throw new ValidationError(`templates.${template}.dag`, `dependency cycle: ${cycle}`);
    }
    state.set(n, "visiting");
    path.push(n);
    for (const d of deps.get(n) ?? []) visit(d);
    path.pop();
    state.set(n, "done");
  };
  for (const n of deps.keys()) visit(n);
}

/** Call `check(name, where)` for every plain `{{name}}` placeholder in the strings of `value`. */
function checkRefs(value: unknown, where: string, check: (name: string, where: string) => void): void {
  if (typeof value === "string") {
    if (!value.includes("{{")) return;
    for (const p of findPlaceholders(value)) if (!p.expr) check(p.name.trim(), where);
  } else if (Array.isArray(value)) value.forEach((v) => checkRefs(v, where, check));
  else if (value && typeof value === "object") for (const v of Object.values(value)) checkRefs(v, where, check);
}
