/** The filter/script language of JSONPath: paths, literals, arithmetic, comparisons, && and ||. */
import { compareStrings } from "../go/utf8.ts";
import { deepEqual, type Value } from "../values.ts";
import { findClose, jsonPathError as err } from "./path.ts";

/** Resolves `@…` / `$…` paths met inside a script. */
export type PathResolver = (path: string) => Value;

/** Evaluate a filter or script expression; `resolve` looks up `@` and `$` paths. */
export function evalScript(expr: string, resolve: PathResolver): Value {
  const s = expr.trim();
  if (s === "") throw err("invalid expression. is empty");
  for (const [ops, fn] of BINARY_LEVELS) {
    const split = splitOperator(s, ops);
    if (split) return fn(split.op, evalScript(split.left, resolve), () => evalScript(split.right, resolve));
  }
  if (s.startsWith("(") && s.endsWith(")") && findClose(`[${s}]`, 1) === s.length + 1) return evalScript(s.slice(1, -1), resolve);
  if (s.startsWith("!")) return !truthy(evalScript(s.slice(1), resolve));
  const lit = literal(s);
  if (lit !== undefined) return lit;
  if (s.startsWith("@") || s.startsWith("$")) return resolve(s);
  throw err(`invalid expression. invalid format '${s}'`);
}

function literal(s: string): Value | undefined {
  if (s === "true" || s === "false") return s === "true";
  if (s === "null" || s === "nil") return null;
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  if (/^-?[0-9]*\.[0-9]+$/.test(s)) return Number(s);
  const q = /^(['"])(.*)\1$/s.exec(s);
  return q ? q[2]! : undefined;
}

export function truthy(v: Value): boolean {
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
