/** expr-lang's vm/runtime: arithmetic, comparison, fetching and slicing with Go semantics. */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { wrapInt64 } from "../go/strconv.ts";
import { byteLength, compareStrings, sliceBytes, toBytes } from "../go/utf8.ts";
import { deepEqual, floatToInt, goTypeName, isMap, type MapKey, type Value } from "../values.ts";

const mismatch = (op: string, a: Value, b: Value): Fault => new Fault(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);

/** runtime.Equal: numbers across int/float, arrays element-wise, otherwise reflect.DeepEqual. */
export function equal(a: Value, b: Value): boolean {
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) {
    if (typeof a === "bigint" && typeof b === "bigint") return a === b;
    return Number(a) === Number(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  return deepEqual(a, b);
}

/** Three-way comparison for <, >, <=, >=: numbers or strings only. */
export function compare(op: string, a: Value, b: Value): number {
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) {
    if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
  }
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  throw mismatch(op, a, b);
}

export function toInt(v: Value, what = "int"): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return floatToInt(v);
  throw new Fault(`invalid operation: ${what}(${goTypeName(v)})`);
}

export function toFloat64(v: Value): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  throw new Fault(`invalid operation: float(${goTypeName(v)})`);
}

/** Apply an arithmetic operator; int op int stays int (wrapping like int64). */
export function arithmetic(op: string, a: Value, b: Value, budget: Budget): Value {
  const ints = typeof a === "bigint" && typeof b === "bigint";
  const nums = (typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number");
  switch (op) {
    case "+":
      if (typeof a === "string" && typeof b === "string") {
        budget.string(a.length + b.length);
        return a + b;
      }
      if (ints) return wrapInt64(a + b);
      if (nums) return Number(a) + Number(b);
      throw mismatch(op, a, b);
    case "-":
      if (ints) return wrapInt64(a - b);
      if (nums) return Number(a) - Number(b);
      throw mismatch(op, a, b);
    case "*":
      if (ints) return wrapInt64(a * b);
      if (nums) return Number(a) * Number(b);
      throw mismatch(op, a, b);
    case "/":
      if (nums) return Number(a) / Number(b);
      throw mismatch(op, a, b);
    case "%":
      if (ints) {
        if (b === 0n) throw new Fault("integer divide by zero");
        return wrapInt64(a % b);
      }
      throw mismatch(op, a, b);
    case "**":
    case "^":
      return Math.pow(toFloat64(a), toFloat64(b));
  }
  throw new Fault(`unknown operator ${op}`);
}

export function negate(v: Value): Value {
  if (typeof v === "bigint") return wrapInt64(-v);
  if (typeof v === "number") return -v;
  throw new Fault(`invalid operation: - ${goTypeName(v)}`);
}

/** The `in` operator: element of an array, key of a map. */
export function contains(needle: Value, haystack: Value): boolean {
  if (haystack === null) return false;
  if (Array.isArray(haystack)) return haystack.some((x) => equal(x, needle));
  if (isMap(haystack)) return haystack.has(needle as MapKey);
  throw new Fault(`operator "in" not defined on ${goTypeName(haystack)}`);
}

/** runtime.Fetch: `from[i]` / `from.i` on maps, arrays and strings (bytes). */
export function fetch(from: Value, key: Value): Value {
  if (from === null) throw new Fault(`cannot fetch ${describeKey(key)} from <nil>`);
  if (Array.isArray(from) || typeof from === "string") {
    if (typeof key !== "bigint" && typeof key !== "number") {
      throw new Fault(typeof from === "string" ? `type string has no field ${describeKey(key)}` : `cannot fetch ${describeKey(key)} from ${goTypeName(from)}`);
    }
    const length = typeof from === "string" ? byteLength(from) : from.length;
    let i = Number(toInt(key));
    if (i < 0) i += length;
    if (i < 0 || i >= length) throw new Fault(`index out of range: ${i} (array length is ${length})`);
    return typeof from === "string" ? BigInt(toBytes(from)[i]!) : from[i]!;
  }
  if (isMap(from)) {
    const v = from.get(key as MapKey);
    return v === undefined ? null : v;
  }
  throw new Fault(`cannot fetch ${describeKey(key)} from ${goTypeName(from)}`);
}

function describeKey(key: Value): string {
  return typeof key === "string" ? key : String(key);
}

/** runtime.Slice: clamped, negative indices count from the end; strings slice bytes. */
export function slice(v: Value, from: Value | undefined, to: Value | undefined): Value {
  if (!Array.isArray(v) && typeof v !== "string") throw new Fault(`cannot slice ${goTypeName(v)}`);
  const length = typeof v === "string" ? byteLength(v) : v.length;
  let a = from === undefined ? 0 : Number(toInt(from));
  let b = to === undefined ? length : Number(toInt(to));
  if (a < 0) a = Math.max(length + a, 0);
  if (b < 0) b = Math.max(length + b, 0);
  if (b > length) b = length;
  if (a > b) a = b;
  return typeof v === "string" ? sliceBytes(v, a, b) : v.slice(a, b);
}

export function asBool(v: Value, context: string): boolean {
  if (typeof v !== "boolean") throw new Fault(`${context} (mismatched type ${goTypeName(v)})`);
  return v;
}

export function asString(v: Value, fn: string): string {
  if (typeof v !== "string") throw new Fault(`invalid argument for ${fn} (type ${goTypeName(v)})`);
  return v;
}
