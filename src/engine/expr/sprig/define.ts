/**
 * Defining sprig functions. Expr calls them through reflect.Call, which is strict about Go
 * types: an int argument does not fit a float64 or string parameter, and the argument count
 * must match. `define` reproduces those checks; the conversions below are sprig's own
 * (strval, cast.ToInt64, cast.ToFloat64, empty).
 */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { formatV } from "../go/format.ts";
import { parseFloat64, parseIntBase0 } from "../go/strconv.ts";
import { floatToInt, GoFunction, goTypeName, type Value, type ValueMap } from "../values.ts";

export type Param = "string" | "int" | "float64" | "bool" | "any" | "map";

type Typed<P extends Param> = P extends "string"
  ? string
  : P extends "int"
    ? bigint
    : P extends "float64"
      ? number
      : P extends "bool"
        ? boolean
        : P extends "map"
          ? ValueMap
          : Value;

type TypedArgs<Ps extends readonly Param[]> = { [K in keyof Ps]: Typed<Ps[K]> };

function accepts(p: Param, v: Value): boolean {
  switch (p) {
    case "string":
      return typeof v === "string";
    case "int":
      return typeof v === "bigint";
    case "float64":
      return typeof v === "number";
    case "bool":
      return typeof v === "boolean";
    case "map":
      return v instanceof Map;
    case "any":
      return true;
  }
}

const GO_PARAM: Record<Param, string> = {
  string: "string",
  int: "int",
  float64: "float64",
  bool: "bool",
  map: "map[string]interface {}",
  any: "interface {}",
};

function check(name: string, p: Param, v: Value): void {
  if (!accepts(p, v)) throw new Fault(`reflect: Call using ${goTypeName(v)} as type ${GO_PARAM[p]} (sprig.${name})`);
}

/** A sprig function with fixed parameters. */
export function define<const Ps extends readonly Param[]>(name: string, params: Ps, impl: (args: TypedArgs<Ps>, budget: Budget) => Value): GoFunction {
  return new GoFunction(`sprig.${name}`, (args, { budget }) => {
    if (args.length !== params.length) {
      throw new Fault(`reflect: Call with too ${args.length < params.length ? "few" : "many"} input arguments (sprig.${name})`);
    }
    params.forEach((p, i) => check(name, p, args[i]!));
    return impl(args as unknown as TypedArgs<Ps>, budget);
  });
}

/** A sprig function with fixed leading parameters and a variadic tail of type `rest`. */
export function defineVariadic<const Ps extends readonly Param[], R extends Param>(
  name: string,
  params: Ps,
  rest: R,
  impl: (args: TypedArgs<Ps>, tail: Typed<R>[], budget: Budget) => Value,
): GoFunction {
  return new GoFunction(`sprig.${name}`, (args, { budget }) => {
    if (args.length < params.length) throw new Fault(`reflect: Call with too few input arguments (sprig.${name})`);
    params.forEach((p, i) => check(name, p, args[i]!));
    const tail = args.slice(params.length);
    tail.forEach((v) => check(name, rest, v));
    return impl(args.slice(0, params.length) as unknown as TypedArgs<Ps>, tail as Typed<R>[], budget);
  });
}

/** sprig's strval: strings as they are, everything else with fmt's %v. */
export function strval(v: Value, budget?: Budget): string {
  return typeof v === "string" ? v : formatV(v, budget);
}

/** cast.ToInt64 (errors become 0, as sprig ignores them). */
export function toInt64(v: Value): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return floatToInt(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") return parseIntBase0(trimZeroDecimal(v)) ?? 0n;
  return 0n;
}

/** cast's trimZeroDecimal: "5.00" → "5". */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToFloat64 (errors become 0). */
export function toFloat64(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseFloat64(v) ?? 0;
  return 0;
}

/** sprig's empty: zero values, empty collections and nil are empty. */
export function empty(v: Value): boolean {
  if (v === null) return true;
  if (typeof v === "string" || Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === "boolean") return !v;
  if (typeof v === "bigint") return v === 0n;
  if (typeof v === "number") return v === 0;
  return false;
}

/** reflect.Kind names, as sprig's kindOf reports them. */
export function kindOf(v: Value): string {
  if (v === null) return "invalid";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  if (typeof v === "string" || typeof v === "boolean") return typeof v === "string" ? "string" : "bool";
  if (Array.isArray(v)) return "slice";
  if (v instanceof Map) return "map";
  return "func";
}

/** A value that must be a slice for the list functions. */
export function list(name: string, v: Value): Value[] {
  if (Array.isArray(v)) return v;
  throw new Fault(`Cannot ${name} on type ${kindOf(v)}`);
}
