/**
 * The runtime values of expr-lang (and of the sprig/jsonpath functions it calls), modelled on the
 * Go values they stand for: int is a `bigint` (int64 semantics), float64 a `number`, maps are
 * `Map`s (Go maps are unordered; output is sorted where Go sorts), functions are `GoFunction`s.
 */
import { Budget } from "./budget.ts";
import { Fault } from "./errors.ts";

export type MapKey = string | bigint | number | boolean | null;

export type Value = null | boolean | bigint | number | string | Value[] | ValueMap | GoFunction;

export type ValueMap = Map<MapKey, Value>;

export interface CallContext {
  readonly budget: Budget;
}

/** A function value, as found in Argo's env (asInt, jsonpath, sprig.*) or built by the host. */
export class GoFunction {
  constructor(
    readonly name: string,
    readonly call: (args: Value[], ctx: CallContext) => Value,
  ) {}
}

export function isMap(v: Value | undefined): v is ValueMap {
  return v instanceof Map;
}

export function isArray(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

export function isInt(v: Value | undefined): v is bigint {
  return typeof v === "bigint";
}

export function isFloat(v: Value | undefined): v is number {
  return typeof v === "number";
}

export function isNumber(v: Value | undefined): v is bigint | number {
  return typeof v === "bigint" || typeof v === "number";
}

/** Go's %T, as it shows up in expr-lang and sprig error messages. */
export function goTypeName(v: Value): string {
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "string":
      return "string";
  }
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Map) return "map[string]interface {}";
  return "func";
}

/** expr-lang's type() builtin. */
export function exprTypeName(v: Value): string {
  if (v === null) return "nil";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
  }
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  return "func";
}

export function toFloat(v: bigint | number): number {
  return typeof v === "bigint" ? Number(v) : v;
}

/** Go's int(f) conversion; out-of-range and NaN yield MinInt64, as on amd64. */
export function floatToInt(f: number): bigint {
  if (!Number.isFinite(f) || Math.abs(f) >= 2 ** 63) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

/** reflect.DeepEqual: same dynamic types, same contents. */
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return typeof a !== "number" || !Number.isNaN(a);
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]!));
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !deepEqual(v, b.get(k)!)) return false;
    }
    return true;
  }
  return false;
}

/** Convert a host JS value into a Value. Integral numbers become ints, other numbers floats. */
export function fromHost(x: unknown, depth = 0): Value {
  if (depth > 200) throw new Fault("environment nested too deeply");
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "boolean":
    case "bigint":
    case "string":
      return x;
    case "number":
      return Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER ? BigInt(x) : x;
    case "function": {
      const f = x as (...args: unknown[]) => unknown;
      return new GoFunction(f.name || "func", (args) => fromHost(f(...args.map((a) => toHost(a)))));
    }
  }
  if (x instanceof GoFunction) return x;
  if (Array.isArray(x)) return x.map((e) => fromHost(e, depth + 1));
  if (x instanceof Map) {
    const m: ValueMap = new Map();
    for (const [k, v] of x) m.set(fromHost(k, depth + 1) as MapKey, fromHost(v, depth + 1));
    return m;
  }
  if (typeof x === "object") {
    const m: ValueMap = new Map();
    for (const [k, v] of Object.entries(x)) m.set(k, fromHost(v, depth + 1));
    return m;
  }
  return String(x);
}

/** Convert a Value back to plain JS: ints become numbers when exact, maps plain objects. */
export function toHost(v: Value): unknown {
  if (typeof v === "bigint") {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (Array.isArray(v)) return v.map(toHost);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, e]) => [String(k), toHost(e)]));
  if (v instanceof GoFunction) return (...args: unknown[]) => toHost(v.call(args.map((a) => fromHost(a)), { budget: new Budget() }));
  return v;
}
