/**
 * JSONPath as Argo's `jsonpath(json, path)` evaluates it (github.com/evilmonkeyinc/jsonpath):
 * `$`, `.key`, `['key']`, `[n]` (negative from the end), `*`, `..`, unions `[a,b]`, ranges
 * `[start:end:step]`, filters `[?(@.x > 1)]`, scripts `[(@.length-1)]` and `.length`. A path of
 * keys and indices yields one value; wildcards, unions, ranges, filters and `..` yield a list.
 */
import type { Budget } from "./budget.ts";
import { Fault } from "./errors.ts";
import { sortedKeys } from "./go/format.ts";
import { compareStrings, runes } from "./go/utf8.ts";
import { deepEqual, type MapKey, type Value } from "./values.ts";

type Script = { readonly script: string };
type Selector = string | number | Script;

type PathToken =
  | { readonly t: "key"; readonly key: string }
  | { readonly t: "index"; readonly index: Selector }
  | { readonly t: "wildcard" }
  | { readonly t: "recursive" }
  | { readonly t: "union"; readonly items: readonly Selector[] }
  | { readonly t: "range"; readonly start?: Selector; readonly end?: Selector; readonly step?: Selector }
  | { readonly t: "filter"; readonly expr: string };

const err = (msg: string): Fault => new Fault(`jsonpath: ${msg}`);

function findClose(path: string, from: number): number {
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
  throw err(`invalid token. '${path.slice(from - 1)}' does not match any token format`);
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
  if (s === "") throw err("invalid token. token string is empty");
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
    if (range.length > 3) throw err(`invalid token. '[${body}]' does not match any token format`);
    const part = (x: string | undefined): Selector | undefined => (x === undefined || x.trim() === "" ? undefined : selector(x));
    return { t: "range", start: part(range[0]), end: part(range[1]), step: part(range[2]) };
  }
  const sel = selector(s);
  return typeof sel === "string" ? { t: "key", key: sel } : { t: "index", index: sel };
}

export function parsePath(path: string): PathToken[] {
  const p = path.trim();
  if (!p.startsWith("$") && !p.startsWith("@")) throw err(`invalid expression. invalid format '${path}'`);
  const tokens: PathToken[] = [];
  let i = 1;
  while (i < p.length) {
    if (p.startsWith("..", i)) {
      tokens.push({ t: "recursive" });
      i += 2;
      if (p[i] === "[") continue;
    } else if (p[i] === ".") i++;
    else if (p[i] !== "[") throw err(`unexpected token '${p[i]}' at index ${i}`);
    if (p[i] === "[") {
      const close = findClose(p, i + 1);
      tokens.push(subscript(p.slice(i + 1, close)));
      i = close + 1;
      continue;
    }
    const m = /^[^.[]+/.exec(p.slice(i));
    if (!m) throw err(`invalid token. token string is empty`);
    tokens.push(m[0] === "*" ? { t: "wildcard" } : { t: "key", key: m[0] });
    i += m[0].length;
  }
  return tokens;
}

function kind(v: Value): string {
  if (v === null) return "nil";
  if (Array.isArray(v)) return "slice";
  if (v instanceof Map) return "map";
  return typeof v === "number" ? "float64" : typeof v === "bigint" ? "int" : typeof v;
}

function lengthOf(v: Value): number | undefined {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (typeof v === "string") return runes(v).length;
  return undefined;
}

function elements(v: Value, what: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return sortedKeys([...v.keys()]).map((k) => v.get(k)!);
  throw err(`${what}: invalid token target. expected [array map slice] got [${kind(v)}]`);
}

class Query {
  constructor(
    private readonly root: Value,
    private readonly budget: Budget,
  ) {}

  apply(tokens: readonly PathToken[], current: Value): Value {
    this.budget.tick();
    const [token, ...rest] = tokens;
    if (!token) return current;
    switch (token.t) {
      case "key":
        return this.apply(rest, this.key(current, token.key));
      case "index":
        return this.apply(rest, this.index(current, this.resolve(token.index, current)));
      case "wildcard":
        return this.many(elements(current, "wildcard"), rest);
      case "recursive":
        return this.many(this.descendants(current), rest);
      case "union":
        return this.many(
          token.items.map((s) => {
            const sel = this.resolve(s, current);
            return typeof sel === "string" ? this.key(current, sel) : this.index(current, sel);
          }),
          rest,
        );
      case "range":
        return this.range(current, token, rest);
      case "filter":
        return this.many(
          elements(current, "filter").filter((e) => truthy(this.evalScript(token.expr, e))),
          rest,
        );
    }
  }

  private many(items: readonly Value[], rest: readonly PathToken[]): Value[] {
    if (rest.length === 0) return [...items];
    const out: Value[] = [];
    for (const item of items) {
      try {
        const r = this.apply(rest, item);
        if (r !== null) out.push(r);
      } catch (e) {
        if (!(e instanceof Fault) || e.message.includes("budget")) throw e;
      }
    }
    return out;
  }

  private key(current: Value, key: string): Value {
    if (current instanceof Map) {
      if (current.has(key)) return current.get(key)!;
      if (key === "length") return BigInt(current.size);
      throw err(`key: invalid token key '${key}' not found`);
    }
    if (key === "length") {
      const n = lengthOf(current);
      if (n !== undefined) return BigInt(n);
    }
    throw err(`key: invalid token target. expected [map] got [${kind(current)}]`);
  }

  private index(current: Value, sel: string | number): Value {
    if (typeof sel === "string") return this.key(current, sel);
    const isStr = typeof current === "string";
    const items = isStr ? runes(current) : Array.isArray(current) ? current : current instanceof Map ? elements(current, "index") : undefined;
    if (!items) throw err(`index: invalid token target. expected [array map slice string] got [${kind(current)}]`);
    const i = sel < 0 ? items.length + sel : sel;
    if (i < 0 || i >= items.length) throw err("index: invalid token out of range");
    return items[i]!;
  }

  private range(current: Value, token: Extract<PathToken, { t: "range" }>, rest: readonly PathToken[]): Value {
    const isStr = typeof current === "string";
    const items = isStr ? runes(current) : Array.isArray(current) ? current : current instanceof Map ? elements(current, "range") : undefined;
    if (!items) throw err(`range: invalid token target. expected [array map slice string] got [${kind(current)}]`);
    const num = (s: Selector | undefined, dflt: number): number => {
      if (s === undefined) return dflt;
      const v = this.resolve(s, current);
      if (typeof v !== "number") throw err("range: invalid token argument. expected [int] got [string]");
      return v;
    };
    const n = items.length;
    let start = num(token.start, 0);
    let end = num(token.end, n);
    const step = num(token.step, 1);
    if (step === 0) throw err("range: invalid token argument. step must not be zero");
    if (start < 0) start = Math.max(n + start, 0);
    if (end < 0) end = Math.max(n + end, 0);
    end = Math.min(end, n);
    const picked: Value[] = [];
    if (step > 0) for (let i = start; i < end; i += step) picked.push(items[i]!);
    else for (let i = end - 1; i >= start; i += step) picked.push(items[i]!);
    if (isStr) return rest.length === 0 ? picked.join("") : this.apply(rest, picked.join(""));
    return this.many(picked, rest);
  }

  private descendants(v: Value): Value[] {
    const out: Value[] = [v];
    const visit = (x: Value): void => {
      this.budget.tick();
      const children = Array.isArray(x) ? x : x instanceof Map ? sortedKeys([...x.keys()]).map((k) => x.get(k as MapKey)!) : [];
      for (const c of children) {
        out.push(c);
        visit(c);
      }
    };
    visit(v);
    return out;
  }

  private resolve(s: Selector, current: Value): string | number {
    if (typeof s !== "object") return s;
    const v = this.evalScript(s.script, current);
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "string") return v;
    throw err(`script: unexpected expression result. expected [int string] got [${kind(v)}]`);
  }

  /** The filter/script language: paths, literals, arithmetic, comparisons, && and ||. */
  private evalScript(expr: string, current: Value): Value {
    const s = expr.trim();
    if (s === "") throw err("invalid expression. is empty");
    for (const [ops, fn] of BINARY_LEVELS) {
      const split = splitOperator(s, ops);
      if (split) return fn(split.op, this.evalScript(split.left, current), () => this.evalScript(split.right, current));
    }
    if (s.startsWith("(") && s.endsWith(")") && findClose(`[${s}]`, 1) === s.length + 1) return this.evalScript(s.slice(1, -1), current);
    if (s.startsWith("!")) return !truthy(this.evalScript(s.slice(1), current));
    const lit = literal(s);
    if (lit !== undefined) return lit;
    if (s.startsWith("@") || s.startsWith("$")) {
      try {
        return new Query(this.root, this.budget).apply(parsePath(s), s.startsWith("@") ? current : this.root);
      } catch (e) {
        if (e instanceof Fault && !e.message.includes("budget")) return null;
        throw e;
      }
    }
    throw err(`invalid expression. invalid format '${s}'`);
  }
}

function literal(s: string): Value | undefined {
  if (s === "true" || s === "false") return s === "true";
  if (s === "null" || s === "nil") return null;
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  if (/^-?[0-9]*\.[0-9]+$/.test(s)) return Number(s);
  const q = /^(['"])(.*)\1$/s.exec(s);
  return q ? q[2]! : undefined;
}

function truthy(v: Value): boolean {
  if (v === null || v === false) return false;
  if (typeof v === "string") return v !== "";
  return true;
}

function num(v: Value): number | undefined {
  return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : undefined;
}

function compareValues(op: string, a: Value, b: Value): boolean {
  if (op === "==" || op === "!=") {
    const x = num(a);
    const y = num(b);
    const eq = x !== undefined && y !== undefined ? x === y : deepEqual(a, b);
    return op === "==" ? eq : !eq;
  }
  const x = num(a);
  const y = num(b);
  let c: number;
  if (x !== undefined && y !== undefined) c = x < y ? -1 : x > y ? 1 : 0;
  else if (typeof a === "string" && typeof b === "string") c = compareStrings(a, b);
  else return false;
  return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}

function arithmetic(op: string, a: Value, b: Value): Value {
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) throw err(`invalid expression. cannot use ${op} on non-numbers`);
  if (typeof a === "bigint" && typeof b === "bigint") {
    if ((op === "/" || op === "%") && b === 0n) throw err("invalid expression. division by zero");
    return op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a % b;
  }
  return op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
}

type Combine = (op: string, left: Value, right: () => Value) => Value;

const BINARY_LEVELS: readonly (readonly [readonly string[], Combine])[] = [
  [["||"], (_op, l, r) => truthy(l) || truthy(r())],
  [["&&"], (_op, l, r) => truthy(l) && truthy(r())],
  [["==", "!=", "<=", ">=", "<", ">"], (op, l, r) => compareValues(op, l, r())],
  [["+", "-"], (op, l, r) => arithmetic(op, l, r())],
  [["*", "/", "%"], (op, l, r) => arithmetic(op, l, r())],
];

/** Rightmost top-level occurrence of one of `ops` (left associativity), outside quotes/parens. */
function splitOperator(s: string, ops: readonly string[]): { left: string; op: string; right: string } | undefined {
  let depth = 0;
  let quote = "";
  let found: { left: string; op: string; right: string } | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0) {
      const op = ops.find((o) => s.startsWith(o, i));
      if (!op || i === 0) continue;
      // A sign right after another operator (or "@.length-1"'s minus inside a name) is not binary.
      const prev = s.slice(0, i).trimEnd();
      if ((op === "-" || op === "+") && /[=!<>&|+\-*/%(]$/.test(prev)) continue;
      if (op.length === 1 && "<>".includes(op) && s[i + 1] === "=") continue;
      if (op === "-" && /[\p{L}_]$/u.test(s.slice(0, i)) && /^[\p{L}_]/u.test(s.slice(i + 1))) continue;
      found = { left: s.slice(0, i), op, right: s.slice(i + op.length) };
      i += op.length - 1;
    }
  }
  return found && found.left.trim() !== "" && found.right.trim() !== "" ? found : undefined;
}

/** jsonpath.Query(path, data). */
export function queryJsonPath(data: Value, path: string, budget: Budget): Value {
  return new Query(data, budget).apply(parsePath(path), data);
}
