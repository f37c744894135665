import type { Template as ArgoTemplate, Workflow as ArgoWorkflow } from "../argo/manifest.ts";
import { KEY_PARAMETER } from "../argo/dflow-conventions.ts";
import { ValidationError } from "../api/errors.ts";
import type { Executor, RenderContext } from "../api/executor.ts";
import type { StepBase } from "../api/step.ts";
import type { AnyTemplate, BuildContext } from "../api/template.ts";
import { toTemplateName } from "../api/names.ts";
import { renderWithResource } from "../api/resource.ts";
import { inlineBundleLimit, shipLargeBundle } from "./bundle-artifact.ts";
import { CHECK_TEMPLATE, checkTemplate, needsSuccessCheck, successWrapper } from "./success-check.ts";

export interface CompileOptions {
  /**
   * Function-OP bundles in the manifest (default): inline up to `inlineBundleLimit` bytes, larger
   * ones as an input artifact (dflow-bundles/<hash>.cjs, uploaded by submit); or omitted (golden
   * files, quick checks).
   */
  bundle?: "inline" | "omit";
  /** Bytes; default config.inlineBundleLimit (64 KiB). Infinity keeps every bundle inline. */
  inlineBundleLimit?: number;
}

export interface WorkflowParts {
  name: string;
  entrypoint: AnyTemplate;
  onExit?: AnyTemplate;
  parameters?: Record<string, string>;
  /** Applied to every script/container template (dflow's Workflow(context=...)). */
  context?: Executor;
  parallelism?: number;
  activeDeadlineSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  serviceAccountName?: string;
}

const POD_KINDS = new Set(["script", "container", "function"]);

/**
 * Compiles user objects into one Argo Workflow: every template reachable from the entrypoint
 * (and onExit) once, under a unique name; step-level variants (timeout, executor) as templates
 * of their own; keys as the dflow_key input parameter.
 */
export function compileWorkflow(parts: WorkflowParts, options: CompileOptions = {}): ArgoWorkflow {
  const names = assignNames([parts.entrypoint, ...(parts.onExit ? [parts.onExit] : [])]);
  const built = new Map<string, ArgoTemplate>();
  const keyed = new Set<string>();
  const variants = new Map<string, () => ArgoTemplate>();
  const limit = options.bundle === "omit" ? Infinity : inlineBundleLimit(options.inlineBundleLimit);

  const buildOnce = (t: AnyTemplate): ArgoTemplate => {
    const n = ctx.nameOf(t);
    let b = built.get(n);
    if (!b) {
      // Before any executor renders it: a dispatched OP then carries the loader, not the bundle.
      b = shipLargeBundle({ ...t.build(ctx), name: n }, limit);
      built.set(n, b);
    }
    return b;
  };

  const resolve = (name: string): ArgoTemplate => {
    let t = built.get(name);
    if (!t) {
      const make = variants.get(name);
      if (!make) throw new Error(`internal: no template ${name}`);
      t = make();
      built.set(name, t);
    }
    return t;
  };

  const generated = new Map<string, ArgoTemplate>();
  const ctx: BuildContext = {
    bundle: options.bundle ?? "inline",
    // Once per content: the same name for the same template, `<name>-2`… for different ones
    // (e.g. the init steps of two sliced steps calling one template).
    addTemplate: (name, make) => {
      const t = make();
      for (let i = 1; ; i++) {
        const n = i === 1 ? name : `${name}-${i}`;
        const candidate = { ...t, name: n };
        const existing = generated.get(n);
        if (existing) {
          if (JSON.stringify(existing) === JSON.stringify(candidate)) return n;
          continue;
        }
        if ([...names.values()].includes(n) || variants.has(n) || built.has(n)) {
          if (i === 1) throw new ValidationError(`template name "${n}" is taken: dflow-ts generates a template of that name; rename your template`, n, "unique-name");
          continue;
        }
        generated.set(n, candidate);
        return n;
      }
    },
    nameOf: (t) => {
      const n = names.get(t);
      if (!n) throw new Error(`internal: template ${t.name} was not collected`);
      return n;
    },
    stepTemplateName: (step) => {
      const s = step as StepBase<any, any>;
      const base = ctx.nameOf(s.template);
      const isPod = POD_KINDS.has(s.template.templateKind);
      const executor = s.executor ?? (isPod ? parts.context : undefined);
      let name = base;
      const suffix: string[] = [];
      if (s.timeout !== undefined) suffix.push(`timeout-${String(s.timeout).replace(/\./g, "-")}`);
      if (executor) {
        if (!isPod) throw new ValidationError(`step "${s.name}": an executor only applies to script/container/function templates, not ${s.template.templateKind}`, s.name, "executor");
        suffix.push(executor.name);
      }
      const resource = s.useResource;
      if (resource) {
        if (!isPod) throw new ValidationError(`step "${s.name}": useResource only applies to script/container/function templates, not ${s.template.templateKind}`, s.name, "use-resource");
        suffix.push(resource.name);
      }
      if (suffix.length) {
        name = `${base}-${suffix.join("-")}`;
        if (!variants.has(name)) {
          variants.set(name, () => {
            let t: ArgoTemplate = structuredClone(buildOnce(s.template));
            t.name = name;
            if (s.timeout !== undefined) t.timeout = `${s.timeout}s`;
            if (executor) t = executor.render(t, renderContext);
            t.name = name;
            if (resource) t = renderWithResource(t, resource, s.name, s.template.name);
            return t;
          });
        }
      }
      if (s.key !== undefined) keyed.add(name);
      if (needsSuccessCheck(s)) {
        if (!s.isLoop && !s.slicePlan()) {
          throw new ValidationError(`step "${s.name}": continueOnNumSuccess/continueOnSuccessRatio apply to parallel steps (withParam, withSequence or withItems)`, s.name, "success-check");
        }
        const inner = name;
        const wrapper = toTemplateName(`${inner}-${s.name}-checked`);
        variants.set(wrapper, () => successWrapper(wrapper, resolve(inner), s.name, Object.keys(s.artifacts)));
        variants.set(CHECK_TEMPLATE, checkTemplate);
        keyed.add(inner);
        return wrapper;
      }
      return name;
    },
  };

  const renderContext: RenderContext = { addTemplate: (name, make) => ctx.addTemplate(name, make) };

  for (const t of names.keys()) buildOnce(t);
  for (const name of variants.keys()) resolve(name);
  for (const name of keyed) addKeyParameter(built.get(name)!);

  const spec: ArgoWorkflow["spec"] = {
    entrypoint: ctx.nameOf(parts.entrypoint),
    templates: [...built.values(), ...generated.values()],
  };
  if (parts.parameters && Object.keys(parts.parameters).length) {
    spec.arguments = { parameters: Object.entries(parts.parameters).map(([name, value]) => ({ name, value })) };
  }
  if (parts.onExit) spec.onExit = ctx.nameOf(parts.onExit);
  if (parts.parallelism !== undefined) spec.parallelism = parts.parallelism;
  if (parts.activeDeadlineSeconds !== undefined) spec.activeDeadlineSeconds = parts.activeDeadlineSeconds;
  if (parts.serviceAccountName) spec.serviceAccountName = parts.serviceAccountName;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      generateName: `${parts.name}-`,
      ...(parts.labels ? { labels: parts.labels } : {}),
      ...(parts.annotations ? { annotations: parts.annotations } : {}),
    },
    spec,
  };
}

/** Collects templates depth-first; distinct objects with the same name get -2, -3... */
function assignNames(roots: AnyTemplate[]): Map<AnyTemplate, string> {
  const names = new Map<AnyTemplate, string>();
  const taken = new Set<string>();
  const visit = (t: AnyTemplate) => {
    if (names.has(t)) return;
    let n = t.name;
    for (let i = 2; taken.has(n); i++) n = `${t.name}-${i}`;
    taken.add(n);
    names.set(t, n);
    for (const c of t.children()) visit(c);
  };
  for (const r of roots) visit(r);
  return names;
}

function addKeyParameter(t: ArgoTemplate): void {
  const params = (t.inputs ??= {}).parameters ??= [];
  if (!params.some((p) => p.name === KEY_PARAMETER)) params.push({ name: KEY_PARAMETER, default: "" });
}
