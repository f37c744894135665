/** JSONPath syntax: `$.a['b'][0][*][1:3][?(…)][(…)]` and `..` into tokens. */
import { Fault } from "../errors.ts";

export type Script = { readonly script: string };
export type Selector = string | number | Script;

export type PathToken =
  | { readonly t: "key"; readonly key: string }
  | { readonly t: "index"; readonly index: Selector }
  | { readonly t: "wildcard" }
  | { readonly t: "recursive" }
  | { readonly t: "union"; readonly items: readonly Selector[] }
  | { readonly t: "range"; readonly start?: Selector; readonly end?: Selector; readonly step?: Selector }
  | { readonly t: "filter"; readonly expr: string };

export const jsonPathError = (msg: string): Fault => new Fault(`jsonpath: ${msg}`);

export function findClose(path: string, from: number): number {
  let depth = 0;
  let quote = "";
  for (let i = from; i < path.length; i++) {
    const c = path[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "]") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw jsonPathError(`invalid token. '${path.slice(from - 1)}' does not match any token format`);
}

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function selector(raw: string): Selector {
  const s = raw.trim();
  const quoted = /^(['"])(.*)\1$/s.exec(s);
  if (quoted) return quoted[2]!.replace(/\\(.)/g, "$1");
  if (/^-?[0-9]+$/.test(s)) return Number(s);
  if (/^\(.*\)$/s.test(s)) return { script: s.slice(1, -1) };
  if (s === "") throw jsonPathError("invalid token. token string is empty");
  return s;
}

function subscript(body: string): PathToken {
  const s = body.trim();
  if (s === "*") return { t: "wildcard" };
  if (s.startsWith("?(") && s.endsWith(")")) return { t: "filter", expr: s.slice(2, -1) };
  const union = splitTopLevel(s, ",");
  if (union.length > 1) return { t: "union", items: union.map(selector) };
  const range = splitTopLevel(s, ":");
  if (range.length > 1) {
    if (range.length > 3) throw jsonPathError(`invalid token. '[${body}]' does not match any token format`);
    const part = (x: string | undefined): Selector | undefined => (x === undefined || x.trim() === "" ? undefined : selector(x));
    return { t: "range", start: part(range[0]), end: part(range[1]), step: part(range[2]) };
  }
  const sel = selector(s);
  return typeof sel === "string" ? { t: "key", key: sel } : { t: "index", index: sel };
}

export function parsePath(path: string): PathToken[] {
  const p = path.trim();
  if (!p.startsWith("$") && !p.startsWith("@")) throw jsonPathError(`invalid expression. invalid format '${path}'`);
  const tokens: PathToken[] = [];
  let i = 1;
  while (i < p.length) {
    if (p.startsWith("..", i)) {
      tokens.push({ t: "recursive" });
      i += 2;
      if (p[i] === "[") continue;
    } else if (p[i] === ".") i++;
    else if (p[i] !== "[") throw jsonPathError(`unexpected token '${p[i]}' at index ${i}`);
    if (p[i] === "[") {
      const close = findClose(p, i + 1);
      tokens.push(subscript(p.slice(i + 1, close)));
      i = close + 1;
      continue;
    }
    const m = /^[^.[]+/.exec(p.slice(i));
    if (!m) throw jsonPathError(`invalid token. token string is empty`);
    tokens.push(m[0] === "*" ? { t: "wildcard" } : { t: "key", key: m[0] });
    i += m[0].length;
  }
  return tokens;
}
