/** sprig's arithmetic (int64 via cast, floats via shopspring/decimal) and integer ranges. */
import { randomInt } from "node:crypto";
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { atoi, inInt64Range, wrapInt64 } from "../go/strconv.ts";
import type { GoFunction, Value } from "../values.ts";
import { define, defineVariadic, strval, toFloat64, toInt64 } from "./define.ts";

/** An exact decimal coef × 10^exp, enough for shopspring/decimal's add, sub, mul and div. */
interface Decimal {
  readonly coef: bigint;
  readonly exp: number;
}

function decimalFromFloat(x: number): Decimal {
  if (!Number.isFinite(x)) throw new Fault(`Cannot create a Decimal from ${x}`);
  const [mant, e] = x.toExponential().split("e") as [string, string];
  const [int, frac = ""] = mant.split(".") as [string, string?];
  return { coef: BigInt(int + frac), exp: Number(e) - frac.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

const DECIMAL_OPS: Record<"add" | "sub" | "mul" | "div", (a: Decimal, b: Decimal) => Decimal> = {
  add(a, b) {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub(a, b) {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div(a, b) {
    if (b.coef === 0n) throw new Fault("decimal division by 0");
    // DivRound to 16 places, rounding half away from zero.
    const precision = 16;
    const shift = precision + b.exp - a.exp + 1;
    const num = shift >= 0 ? a.coef * 10n ** BigInt(shift) : a.coef / 10n ** BigInt(-shift);
    let q = num / b.coef;
    const neg = q < 0n;
    if (neg) q = -q;
    q = (q + 5n) / 10n;
    return { coef: neg ? -q : q, exp: -precision };
  },
};

function decimalOp(op: keyof typeof DECIMAL_OPS, first: Value, rest: readonly Value[]): number {
  let acc = decimalFromFloat(toFloat64(first));
  for (const x of rest) acc = DECIMAL_OPS[op](acc, decimalFromFloat(toFloat64(x)));
  return Number(`${acc.coef}e${acc.exp}`);
}

/** sprig's untilStep. */
function untilStep(start: bigint, stop: bigint, step: bigint, budget: Budget): bigint[] {
  const out: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return out;
    budget.elements(Number((start - stop) / -step), "list");
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0n) return out;
  budget.elements(Number((stop - start) / step), "list");
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

/** sprig's seq: like the Unix command; returns a space-separated string. */
function seq(params: readonly bigint[], budget: Budget): string {
  const join = (xs: bigint[]): string => xs.join(" ");
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const inc = end < 1n ? -1n : 1n;
      return join(untilStep(1n, end + inc, inc, budget));
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const inc = end < start ? -1n : 1n;
      return join(untilStep(start, end + inc, inc, budget));
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      if (end < start) {
        if (step > 0n) return "";
        return join(untilStep(start, end - 1n, step, budget));
      }
      if (step < 0n) return "";
      return join(untilStep(start, end + 1n, step, budget));
    }
    default:
      return "";
  }
}

/** math.Round-style rounding of sprig's round(value, places[, roundOn]). */
function round(a: Value, places: bigint, rest: readonly number[]): number {
  const roundOn = rest[0] ?? 0.5;
  const pow = Math.pow(10, Number(places));
  const digit = pow * toFloat64(a);
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function divInt(a: Value, b: Value, mod: boolean): bigint {
  const y = toInt64(b);
  if (y === 0n) throw new Fault("runtime error: integer divide by zero");
  const x = toInt64(a);
  return wrapInt64(mod ? x % y : x / y);
}

export function numberFunctions(): Record<string, GoFunction> {
  const maxMin = (name: string, pick: (a: bigint, b: bigint) => boolean): GoFunction =>
    defineVariadic(name, ["any"], "any", ([a], rest) => rest.reduce<bigint>((m, v) => (pick(toInt64(v), m) ? toInt64(v) : m), toInt64(a)));
  const maxMinF = (name: string, f: (...xs: number[]) => number): GoFunction =>
    defineVariadic(name, ["any"], "any", ([a], rest) => rest.reduce<number>((m, v) => f(m, toFloat64(v)), toFloat64(a)));
  return {
    atoi: define("atoi", ["string"], ([s]) => atoi(s) ?? 0n),
    int64: define("int64", ["any"], ([v]) => toInt64(v)),
    int: define("int", ["any"], ([v]) => toInt64(v)),
    float64: define("float64", ["any"], ([v]) => toFloat64(v)),
    toDecimal: define("toDecimal", ["any"], ([v]) => {
      const m = /^([+-]?)([0-7]+)$/.exec(strval(v));
      if (!m) return 0n;
      const x = BigInt(`0o${m[2]}`) * (m[1] === "-" ? -1n : 1n);
      return inInt64Range(x) ? x : 0n;
    }),
    seq: defineVariadic("seq", [], "int", (_a, params, budget) => seq(params, budget)),
    until: define("until", ["int"], ([n], budget) => untilStep(0n, n, n < 0n ? -1n : 1n, budget)),
    untilStep: define("untilStep", ["int", "int", "int"], ([a, b, c], budget) => untilStep(a, b, c, budget)),
    add1: define("add1", ["any"], ([v]) => wrapInt64(toInt64(v) + 1n)),
    add: defineVariadic("add", [], "any", (_a, vs) => vs.reduce<bigint>((s, v) => wrapInt64(s + toInt64(v)), 0n)),
    sub: define("sub", ["any", "any"], ([a, b]) => wrapInt64(toInt64(a) - toInt64(b))),
    div: define("div", ["any", "any"], ([a, b]) => divInt(a, b, false)),
    mod: define("mod", ["any", "any"], ([a, b]) => divInt(a, b, true)),
    mul: defineVariadic("mul", ["any"], "any", ([a], vs) => vs.reduce<bigint>((p, v) => wrapInt64(p * toInt64(v)), toInt64(a))),
    randInt: define("randInt", ["int", "int"], ([min, max]) => {
      if (max <= min) throw new Fault("invalid argument to Intn");
      return min + BigInt(randomInt(Number(max - min)));
    }),
    add1f: define("add1f", ["any"], ([v]) => decimalOp("add", v, [1])),
    addf: defineVariadic("addf", [], "any", (_a, vs) => decimalOp("add", 0, vs)),
    subf: defineVariadic("subf", ["any"], "any", ([a], vs) => decimalOp("sub", a, vs)),
    mulf: defineVariadic("mulf", ["any"], "any", ([a], vs) => decimalOp("mul", a, vs)),
    divf: defineVariadic("divf", ["any"], "any", ([a], vs) => decimalOp("div", a, vs)),
    biggest: maxMin("biggest", (a, b) => a > b),
    max: maxMin("max", (a, b) => a > b),
    min: maxMin("min", (a, b) => a < b),
    maxf: maxMinF("maxf", Math.max),
    minf: maxMinF("minf", Math.min),
    ceil: define("ceil", ["any"], ([v]) => Math.ceil(toFloat64(v))),
    floor: define("floor", ["any"], ([v]) => Math.floor(toFloat64(v))),
    round: defineVariadic("round", ["any", "int"], "float64", ([a, p], rest) => round(a, p, rest)),
  };
}
