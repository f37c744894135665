// Inputs and outputs of template invocations: arguments rendered in the caller's scope, a template's
// inputs resolved from them (value/default/enum), and the outputs of steps/dag templates.
import { posix } from "node:path";
import type { Arguments, Template } from "../argo/manifest.ts";
import type { ArtifactValue } from "./artifacts.ts";
import { NodeError } from "./errors.ts";
import { Scope, type ResolvedOutputs } from "./scope.ts";

export interface ResolvedArgs {
  parameters: Record<string, string>;
  artifacts: Record<string, ArtifactValue>;
}

export type ResolvedInputs = ResolvedArgs;

export const NO_ARGS: ResolvedArgs = { parameters: {}, artifacts: {} };

const withSubPath = (v: ArtifactValue, subPath: string | undefined): ArtifactValue => {
  if (!subPath) return v;
  if ("raw" in v) throw new NodeError(`subPath "${subPath}" cannot apply to a raw artifact`);
  const sub = v.subPath ? posix.join(v.subPath, subPath) : subPath;
  return "key" in v ? { key: v.key, subPath: sub } : { repo: v.repo, subPath: sub };
};

/** Render a step's or task's `arguments` in the caller's scope. */
export function renderArguments(args: Arguments | undefined, scope: Scope, where: string): ResolvedArgs {
  const out: ResolvedArgs = { parameters: {}, artifacts: {} };
  for (const p of args?.parameters ?? []) {
    const raw = p.value ?? p.default;
    if (raw === undefined) throw new NodeError(`${where}: argument parameter "${p.name}" has no value`);
    out.parameters[p.name] = scope.render(String(raw), `${where}.arguments.parameters.${p.name}`);
  }
  for (const a of args?.artifacts ?? []) {
    const at = `${where}.arguments.artifacts.${a.name}`;
    let value: ArtifactValue | undefined;
    try {
      if (a.from !== undefined) value = scope.artifactFrom(a.from, at);
      else if (a.fromExpression !== undefined) value = scope.artifactFromExpression(a.fromExpression, at);
      else if (a.raw) value = { raw: scope.render(a.raw.data, at) };
      else if (a.s3?.key) value = repoArtifact(scope.render(a.s3.key, at), at);
      else if (a.s3 || (a as { http?: unknown }).http || (a as { git?: unknown }).git)
        throw new NodeError(`${at}: only s3 artifacts with a key (in the configured artifact repository) are supported by the local engine, not http/git`);
      else throw new NodeError(`${at}: needs from, fromExpression or raw`);
    } catch (e) {
      if (a.optional) continue;
      throw e;
    }
    out.artifacts[a.name] = withSubPath(value, a.subPath && scope.render(a.subPath, at));
  }
  return out;
}

/** An artifact with an empty key has no location, as in Argo: absent if optional, else an error. */
function repoArtifact(key: string, where: string): ArtifactValue {
  if (key === "") throw new NodeError(`${where}: missing location information (its s3 key is empty)`);
  return { repo: key };
}

/** Resolve a template's declared inputs from the arguments it was called with. */
export function resolveInputs(tmpl: Template, args: ResolvedArgs, globals: Scope): ResolvedInputs {
  const out: ResolvedInputs = { parameters: {}, artifacts: {} };
  for (const p of tmpl.inputs?.parameters ?? []) {
    const where = `templates.${tmpl.name}.inputs.parameters.${p.name}`;
    let value = args.parameters[p.name];
    if (value === undefined) {
      const own = p.value ?? p.default;
      if (own === undefined) throw new NodeError(`${where} was not supplied`);
      value = globals.child(paramVars(out.parameters)).render(String(own), where);
    }
    if (p.enum && p.enum.length > 0 && !p.enum.map(String).includes(value))
      throw new NodeError(`${where}: value "${value}" is not one of the allowed values [${p.enum.join(", ")}]`);
    out.parameters[p.name] = value;
  }
  for (const a of tmpl.inputs?.artifacts ?? []) {
    const where = `templates.${tmpl.name}.inputs.artifacts.${a.name}`;
    let value: ArtifactValue | undefined = args.artifacts[a.name];
    if (!value && a.raw) value = { raw: globals.render(a.raw.data, where) };
    if (!value && a.s3?.key) value = { repo: globals.render(a.s3.key, where) };
    if (!value && a.from) value = globals.artifactFrom(a.from, where);
    if (!value) {
      if (a.optional) continue;
      throw new NodeError(`${where} was not supplied`);
    }
    out.artifacts[a.name] = withSubPath(value, a.subPath);
  }
  return out;
}

function paramVars(params: Record<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) vars[`inputs.parameters.${k}`] = v;
  return vars;
}

/** The scope inside a template: globals plus `inputs.parameters.*`, `inputs.parameters`, `inputs.artifacts.*`. */
export function inputScope(globals: Scope, inputs: ResolvedInputs): Scope {
  const vars = paramVars(inputs.parameters);
  vars["inputs.parameters"] = JSON.stringify(Object.entries(inputs.parameters).map(([name, value]) => ({ name, value })));
  const artifacts: Record<string, ArtifactValue> = {};
  for (const [k, v] of Object.entries(inputs.artifacts)) artifacts[`inputs.artifacts.${k}`] = v;
  return globals.child(vars, artifacts);
}

/** Outputs of a steps/dag/suspend template, resolved in its inner scope once its children are done. */
export function resolveTemplateOutputs(tmpl: Template, scope: Scope): ResolvedOutputs {
  const out: ResolvedOutputs = { parameters: {}, artifacts: {} };
  for (const p of tmpl.outputs?.parameters ?? []) {
    const where = `templates.${tmpl.name}.outputs.parameters.${p.name}`;
    const vf = p.valueFrom;
    try {
      if (vf?.parameter !== undefined) out.parameters[p.name] = scope.render(vf.parameter, where);
      else if (vf?.expression !== undefined) out.parameters[p.name] = stringify(scope.evaluate(vf.expression, where));
      else if (p.value !== undefined) out.parameters[p.name] = scope.render(String(p.value), where);
      else if (vf?.default !== undefined) out.parameters[p.name] = String(vf.default);
      else throw new NodeError(`${where} has no value`);
    } catch (e) {
      if (vf?.default === undefined) throw e;
      out.parameters[p.name] = String(vf.default);
    }
  }
  for (const a of tmpl.outputs?.artifacts ?? []) {
    const where = `templates.${tmpl.name}.outputs.artifacts.${a.name}`;
    try {
      if (a.from !== undefined) out.artifacts[a.name] = scope.artifactFrom(a.from, where);
      else if (a.fromExpression !== undefined) out.artifacts[a.name] = scope.artifactFromExpression(a.fromExpression, where);
      else throw new NodeError(`${where}: needs from or fromExpression in a ${tmpl.steps ? "steps" : "dag"} template`);
    } catch (e) {
      if (!a.optional) throw e;
    }
  }
  return out;
}

export const stringify = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
