// Templating scope: the flat dotted variable map Argo renders `{{…}}` against, plus the artifact
// references (`steps.X.outputs.artifacts.Y`, `inputs.artifacts.Z`) that `from` can name.
import type { NodePhase } from "../argo/manifest.ts";
import type { ArtifactValue } from "./artifacts.ts";
import { NodeError } from "./errors.ts";
import { ExpressionError, evaluateExpr, expandVars, renderTemplate } from "./expressions.ts";

export type Vars = Record<string, string>;

/** What a finished node hands to its parent: phase and resolved outputs. */
export interface NodeOutcome {
  id: string;
  phase: NodePhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  outputs?: ResolvedOutputs;
}

export interface ResolvedOutputs {
  parameters: Record<string, string>;
  artifacts: Record<string, ArtifactValue>;
  result?: string;
  exitCode?: string;
}

const ARTIFACT_TOKEN = "\u0000artifact:";

export class Scope {
  constructor(
    readonly vars: Vars = {},
    readonly artifacts: Record<string, ArtifactValue> = {},
  ) {}

  child(vars: Vars = {}, artifacts: Record<string, ArtifactValue> = {}): Scope {
    return new Scope({ ...this.vars, ...vars }, { ...this.artifacts, ...artifacts });
  }

  /** Substitute `{{…}}`; a missing variable or a bad expression becomes a NodeError naming `where`. */
  render(text: string, where: string): string {
    try {
      return renderTemplate(text, this.vars, { onMissing: "error" });
    } catch (e) {
      throw asNodeError(e, where);
    }
  }

  /** Evaluate an expr-lang expression (outputs valueFrom.expression, fromExpression) in this scope. */
  evaluate(expression: string, where: string, withArtifacts = false): unknown {
    const vars = withArtifacts ? { ...this.vars, ...artifactTokens(this.artifacts) } : this.vars;
    try {
      return evaluateExpr(renderTemplate(expression, vars, { onMissing: "keep" }), expandVars(vars));
    } catch (e) {
      throw asNodeError(e, where);
    }
  }

  /** The artifact a `from: "{{name}}"` reference names. */
  artifactFrom(from: string, where: string): ArtifactValue {
    const m = /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/.exec(from);
    const value = m ? this.artifacts[m[1]!] : undefined;
    if (!value) throw new NodeError(`${where}: artifact ${from} is not available`);
    return value;
  }

  /** The artifact a fromExpression evaluates to (the expression sees artifacts as opaque tokens). */
  artifactFromExpression(expression: string, where: string): ArtifactValue {
    const v = this.evaluate(expression, where, true);
    if (typeof v === "string" && v.startsWith(ARTIFACT_TOKEN)) return JSON.parse(v.slice(ARTIFACT_TOKEN.length)) as ArtifactValue;
    throw new NodeError(`${where}: fromExpression "${expression}" did not evaluate to an artifact`);
  }
}

function artifactTokens(artifacts: Record<string, ArtifactValue>): Vars {
  return Object.fromEntries(Object.entries(artifacts).map(([k, v]) => [k, ARTIFACT_TOKEN + JSON.stringify(v)]));
}

function asNodeError(e: unknown, where: string): NodeError {
  if (e instanceof NodeError) return e;
  if (e instanceof ExpressionError) return new NodeError(`${where}: ${e.message}`);
  return new NodeError(`${where}: ${(e as Error).message ?? String(e)}`);
}

/** Variables `steps.X.*` / `tasks.X.*` of a single (non-looped) finished node. */
export function nodeScope(prefix: string, o: NodeOutcome): { vars: Vars; artifacts: Record<string, ArtifactValue> } {
  const vars: Vars = { [`${prefix}.id`]: o.id, [`${prefix}.status`]: o.phase };
  if (o.startedAt) vars[`${prefix}.startedAt`] = o.startedAt;
  if (o.finishedAt) vars[`${prefix}.finishedAt`] = o.finishedAt;
  const artifacts: Record<string, ArtifactValue> = {};
  const out = o.outputs;
  if (out) {
    if (out.result !== undefined) vars[`${prefix}.outputs.result`] = out.result;
    if (out.exitCode !== undefined) {
      vars[`${prefix}.exitCode`] = out.exitCode;
      vars[`${prefix}.outputs.exitCode`] = out.exitCode;
    }
    for (const [k, v] of Object.entries(out.parameters)) vars[`${prefix}.outputs.parameters.${k}`] = v;
    for (const [k, v] of Object.entries(out.artifacts)) artifacts[`${prefix}.outputs.artifacts.${k}`] = v;
  }
  return { vars, artifacts };
}

/**
 * Aggregated outputs of a looped step, as Argo builds them: `.outputs.parameters.Y` is a JSON list
 * of the children's values, `.outputs.parameters` a JSON list of {name: value} maps, and
 * `.outputs.result` a JSON list of results (results that are JSON objects are embedded as objects).
 * Children without outputs (skipped) are left out.
 */
export function aggregateScope(prefix: string, group: { id: string; phase: NodePhase }, children: readonly NodeOutcome[]): Vars {
  const vars: Vars = { [`${prefix}.id`]: group.id, [`${prefix}.status`]: group.phase };
  const paramMaps: Record<string, string>[] = [];
  const results: unknown[] = [];
  const byName = new Map<string, string[]>();
  for (const c of children) {
    const out = c.outputs;
    if (!out) continue;
    const names = Object.keys(out.parameters);
    if (names.length > 0) paramMaps.push({ ...out.parameters });
    for (const n of names) {
      const list = byName.get(n) ?? [];
      list.push(out.parameters[n]!);
      byName.set(n, list);
    }
    if (out.result !== undefined) results.push(jsonObjectOrString(out.result));
  }
  vars[`${prefix}.outputs.parameters`] = JSON.stringify(paramMaps);
  vars[`${prefix}.outputs.result`] = JSON.stringify(results);
  for (const [n, list] of byName) vars[`${prefix}.outputs.parameters.${n}`] = aggregatedJsonValueList(list);
  return vars;
}

/**
 * Argo's aggregatedJSONValueList: when every value is a JSON object or array, the list embeds
 * them natively; otherwise (any scalar) it is a list of the values as strings: ["1","4"].
 */
export function aggregatedJsonValueList(values: readonly string[]): string {
  const parsed: unknown[] = [];
  for (const v of values) {
    try {
      const x: unknown = JSON.parse(v);
      if (x === null || typeof x !== "object") return JSON.stringify(values);
      parsed.push(x);
    } catch {
      return JSON.stringify(values);
    }
  }
  return JSON.stringify(parsed);
}

function jsonObjectOrString(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
  } catch {
    // not JSON
  }
  return text;
}
