/**
 * Argo's `{{…}}` substitution (util/template): `{{name}}` looks `name` (trimmed) up in a flat
 * map of dotted names, `{{=expr}}` evaluates expr-lang over the expanded map plus Argo's
 * functions. Argo substitutes inside the JSON encoding of a template and decodes afterwards;
 * here the text is substituted directly, which gives the same result.
 */
import { argoFunctions } from "./argo-env.ts";
import { ExpressionError, guard, quoteForMessage } from "./errors.ts";
import { lex, type Token } from "./exprlang/lexer.ts";
import { evaluateExprValue } from "./expr-lang.ts";
import { marshal } from "./go/json.ts";
import { trimSpace } from "./go/strings.ts";
import type { ValueMap } from "./values.ts";

export interface Placeholder {
  /** True for `{{=expr}}`. */
  readonly expr: boolean;
  /** The trimmed variable name, or the expression text after `=`. */
  readonly name: string;
  /** Index of the opening `{{`. */
  readonly start: number;
  /** Index just after the closing `}}`. */
  readonly end: number;
}

export interface NestedVars {
  readonly [key: string]: string | NestedVars;
}

export interface RenderOptions {
  /** "keep" (default) leaves unresolvable placeholders as they are; "error" throws. */
  readonly onMissing?: "error" | "keep";
}

interface Tag {
  readonly tag: string;
  readonly start: number;
  readonly end: number;
}

/** fasttemplate's scan: each `{{` runs to the next `}}`; a `{{` without one is an error. */
function scanTags(text: string): Tag[] {
  const tags: Tag[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf("{{", from);
    if (start < 0) return tags;
    const close = text.indexOf("}}", start + 2);
    if (close < 0) {
      const snippet = text.slice(start, start + 40);
      throw new ExpressionError(`cannot find end tag "}}" for the "{{" at position ${start}: ${JSON.stringify(snippet)}`, snippet, start);
    }
    tags.push({ tag: text.slice(start + 2, close), start, end: close + 2 });
    from = close + 2;
  }
}

/** The placeholders of `text`, for checking references before running. */
export function findPlaceholders(text: string): Placeholder[] {
  return scanTags(text).map(({ tag, start, end }) =>
    tag.startsWith("=") ? { expr: true, name: trimSpace(tag.slice(1)), start, end } : { expr: false, name: trimSpace(tag), start, end },
  );
}

/**
 * Argo's expand: dotted names become nested maps (`inputs.parameters.x` → inputs.parameters.x).
 * A name that is also the prefix of a longer one (`item` next to `item.a`) is dropped in
 * favour of the more specific one, as Argo does.
 */
export function expandVars(vars: Readonly<Record<string, string>>): NestedVars {
  const keys = Object.keys(vars);
  const prefixes = new Set<string>();
  for (const key of keys) for (let i = key.indexOf("."); i >= 0; i = key.indexOf(".", i + 1)) prefixes.add(key.slice(0, i));
  const root: Record<string, string | NestedVars> = Object.create(null) as Record<string, string | NestedVars>;
  for (const key of keys) {
    if (prefixes.has(key)) continue;
    const parts = key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== "object") node[part] = Object.create(null) as Record<string, string | NestedVars>;
      node = node[part] as Record<string, string | NestedVars>;
    }
    node[parts[parts.length - 1]!] = vars[key]!;
  }
  return root;
}

function toValueMap(nested: NestedVars): ValueMap {
  const m: ValueMap = new Map();
  for (const [k, v] of Object.entries(nested)) m.set(k, typeof v === "string" ? v : toValueMap(v));
  return m;
}

/** The environment of a `{{=…}}`: expanded variables plus Argo's functions (which win). */
export function expressionEnv(vars: Readonly<Record<string, string>>): ValueMap {
  const env = toValueMap(expandVars(vars));
  for (const [k, v] of argoFunctions()) env.set(k, v);
  return env;
}

function tokensOf(source: string): Token[] | undefined {
  try {
    return lex(source).filter((t) => t.kind !== "EOF");
  } catch {
    return undefined;
  }
}

/** Argo's hasVariableInExpression: the variable's tokens appear in the expression's tokens. */
function mentions(expression: string, variable: string): boolean {
  if (!expression.includes(variable)) return false;
  const hay = tokensOf(expression);
  const needle = tokensOf(variable);
  if (!hay || !needle || needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (hay[i + j]!.kind !== needle[j]!.kind || hay[i + j]!.value !== needle[j]!.value) continue outer;
    }
    return true;
  }
  return false;
}

/** Variables Argo only defines late (retries, exit handlers); until then the tag is kept. */
const LATE_VARIABLES = ["retries", "lastRetry.exitCode", "lastRetry.status", "lastRetry.duration", "lastRetry.message", "workflow.status", "workflow.failures"];

function renderExpression(expression: string, vars: Readonly<Record<string, string>>, keep: boolean, tag: Tag): string {
  if (keep && LATE_VARIABLES.some((name) => vars[name] === undefined && mentions(expression, name))) return `{{${tag.tag}}}`;
  const q = quoteForMessage(expression);
  try {
    // A fresh environment per tag, as in Argo: sprig's dict functions mutate maps.
    const v = evaluateExprValue(expression, expressionEnv(vars));
    if (v === null) throw new ExpressionError(`failed to evaluate expression ${q}: the result is nil`, expression);
    // Argo's text for a result: strings as they are, everything else as JSON.
    return typeof v === "string" ? v : guard(expression, `cannot marshal the result of expression ${q}`, () => marshal(v));
  } catch (e) {
    if (keep) return `{{${tag.tag}}}`;
    throw e;
  }
}

/**
 * Substitute `{{name}}` and `{{=expr}}` placeholders. `vars` is Argo's flat replace map
 * (`"inputs.parameters.x"`, `"steps.a.outputs.result"`, `"item"`, …). Unknown names and failing
 * expressions are kept verbatim (onMissing "keep", the default) or raise an ExpressionError.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>, options: RenderOptions = {}): string {
  const keep = (options.onMissing ?? "keep") === "keep";
  const tags = scanTags(text);
  if (tags.length === 0) return text;
  let out = "";
  let last = 0;
  for (const t of tags) {
    out += text.slice(last, t.start);
    last = t.end;
    if (t.tag.startsWith("=")) {
      out += renderExpression(t.tag.slice(1), vars, keep, t);
      continue;
    }
    const name = trimSpace(t.tag);
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value !== undefined) {
      out += value;
      continue;
    }
    // Argo resolves the innermost of nested tags, `{{a{{b}}` → `{{a` + value of b.
    const inner = t.tag.lastIndexOf("{{");
    const nested = inner > 0 && Object.hasOwn(vars, t.tag.slice(inner + 2)) ? vars[t.tag.slice(inner + 2)] : undefined;
    if (nested !== undefined) out += `{{${t.tag.slice(0, inner)}${nested}`;
    else if (keep) out += `{{${t.tag}}}`;
    else throw new ExpressionError(`failed to resolve {{${t.tag}}} at position ${t.start}`, t.tag, t.start);
  }
  return out + text.slice(last);
}
