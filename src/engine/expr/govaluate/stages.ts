/** govaluate's evaluation stages: operators, their type checks and error formats. */
import { Fault } from "../errors.ts";
import { formatFloatG } from "../go/strconv.ts";
import { compareStrings } from "../go/utf8.ts";
import type { Budget } from "../budget.ts";
import { GoRegexp } from "../re2/regexp.ts";

export type GValue = number | string | boolean | null | GValue[] | GoRegexp;

export type Sym =
  | "VALUE"
  | "LITERAL"
  | "NOOP"
  | "EQ"
  | "NEQ"
  | "GT"
  | "LT"
  | "GTE"
  | "LTE"
  | "REQ"
  | "NREQ"
  | "IN"
  | "AND"
  | "OR"
  | "PLUS"
  | "MINUS"
  | "BITWISE_AND"
  | "BITWISE_OR"
  | "BITWISE_XOR"
  | "BITWISE_LSHIFT"
  | "BITWISE_RSHIFT"
  | "MULTIPLY"
  | "DIVIDE"
  | "MODULUS"
  | "EXPONENT"
  | "NEGATE"
  | "INVERT"
  | "BITWISE_NOT"
  | "TERNARY_TRUE"
  | "TERNARY_FALSE"
  | "COALESCE"
  | "FUNCTIONAL"
  | "ACCESS"
  | "SEPARATE";

export type Operator = (left: GValue, right: GValue, budget: Budget) => GValue;
type Check = (v: GValue) => boolean;

export interface Stage {
  symbol: Sym;
  left: Stage | undefined;
  right: Stage | undefined;
  operator: Operator;
  leftCheck: Check | undefined;
  rightCheck: Check | undefined;
  combinedCheck: ((l: GValue, r: GValue) => boolean) | undefined;
  typeErrorFormat: string;
  /** Position of the operator (or operand) token, for error messages. */
  position: number;
}

export const TYPEERROR_LOGICAL = "Value '%v' cannot be used with the logical operator '%v', it is not a bool";
export const TYPEERROR_MODIFIER = "Value '%v' cannot be used with the modifier '%v', it is not a number";
export const TYPEERROR_COMPARATOR = "Value '%v' cannot be used with the comparator '%v', it is not a number";
export const TYPEERROR_TERNARY = "Value '%v' cannot be used with the ternary operator '%v', it is not a bool";
export const TYPEERROR_PREFIX = "Value '%v' cannot be used with the prefix '%v'";

/** OperatorSymbol.String(), including its quirk of printing EQ as "=". */
const SYMBOL_TEXT: Partial<Record<Sym, string>> = {
  NOOP: "NOOP",
  VALUE: "VALUE",
  EQ: "=",
  NEQ: "!=",
  GT: ">",
  LT: "<",
  GTE: ">=",
  LTE: "<=",
  REQ: "=~",
  NREQ: "!~",
  AND: "&&",
  OR: "||",
  IN: "in",
  BITWISE_AND: "&",
  BITWISE_OR: "|",
  BITWISE_XOR: "^",
  BITWISE_LSHIFT: "<<",
  BITWISE_RSHIFT: ">>",
  PLUS: "+",
  MINUS: "-",
  MULTIPLY: "*",
  DIVIDE: "/",
  MODULUS: "%",
  EXPONENT: "**",
  NEGATE: "-",
  INVERT: "!",
  BITWISE_NOT: "~",
  TERNARY_TRUE: "?",
  TERNARY_FALSE: ":",
  COALESCE: "??",
};

export function symbolText(s: Sym): string {
  return SYMBOL_TEXT[s] ?? "";
}

/** fmt's %v for govaluate values. */
export function formatValue(v: GValue): string {
  if (v === null) return "<nil>";
  if (typeof v === "number") return formatFloatG(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return v;
  if (v instanceof GoRegexp) return v.source;
  return `[${v.map(formatValue).join(" ")}]`;
}

export function typeError(format: string, value: GValue, symbol: Sym): Fault {
  return new Fault(format.replace("%v", formatValue(value)).replace("%v", symbolText(symbol)));
}

export const isString: Check = (v) => typeof v === "string";
export const isFloat: Check = (v) => typeof v === "number";
export const isBool: Check = (v) => typeof v === "boolean";
export const isArray: Check = (v) => Array.isArray(v);
export const isRegexOrString: Check = (v) => typeof v === "string" || v instanceof GoRegexp;

const additionTypeCheck = (l: GValue, r: GValue): boolean => (isFloat(l) && isFloat(r)) || isString(l) || isString(r);
const comparatorTypeCheck = (l: GValue, r: GValue): boolean => (isFloat(l) && isFloat(r)) || (isString(l) && isString(r));

/** reflect.DeepEqual over govaluate values. */
function deepEqual(a: GValue, b: GValue): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (a instanceof GoRegexp) return b instanceof GoRegexp && a.source === b.source;
  if (typeof a === "number" && Number.isNaN(a)) return false;
  return a === b;
}

function compare(l: GValue, r: GValue): number {
  if (typeof l === "string" && typeof r === "string") return compareStrings(l, r);
  const x = l as number;
  const y = r as number;
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
}

/** Go's int64(f) / uint64(f) for the bitwise operators (amd64 behaviour out of range). */
function toInt64(f: number): bigint {
  if (!Number.isFinite(f) || Math.abs(f) >= 2 ** 63) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

function toUint64(f: number): bigint {
  if (!Number.isFinite(f)) return 2n ** 63n;
  if (f >= 2 ** 63 && f < 2 ** 64) return BigInt(Math.trunc(f));
  return BigInt.asUintN(64, toInt64(f));
}

function regexMatch(left: GValue, right: GValue, budget: Budget): boolean {
  let re: GoRegexp;
  if (typeof right === "string") {
    try {
      re = GoRegexp.compile(right);
    } catch (e) {
      throw new Fault(`Unable to compile regexp pattern '${right}': ${(e as Error).message}`);
    }
  } else re = right as GoRegexp;
  return re.test(left as string, budget);
}

interface OperatorSpec {
  readonly operator: Operator;
  readonly left?: Check;
  readonly right?: Check;
  readonly combined?: (l: GValue, r: GValue) => boolean;
}

const num = (v: GValue): number => v as number;

export const OPERATORS: Partial<Record<Sym, OperatorSpec>> = {
  EQ: { operator: (l, r) => deepEqual(l, r) },
  NEQ: { operator: (l, r) => !deepEqual(l, r) },
  GT: { operator: (l, r) => compare(l, r) > 0, combined: comparatorTypeCheck },
  LT: { operator: (l, r) => compare(l, r) < 0, combined: comparatorTypeCheck },
  GTE: { operator: (l, r) => compare(l, r) >= 0, combined: comparatorTypeCheck },
  LTE: { operator: (l, r) => compare(l, r) <= 0, combined: comparatorTypeCheck },
  REQ: { operator: (l, r, b) => regexMatch(l, r, b), left: isString, right: isRegexOrString },
  NREQ: { operator: (l, r, b) => !regexMatch(l, r, b), left: isString, right: isRegexOrString },
  AND: { operator: (l, r) => (l as boolean) && (r as boolean), left: isBool, right: isBool },
  OR: { operator: (l, r) => (l as boolean) || (r as boolean), left: isBool, right: isBool },
  IN: {
    operator: (l, r) =>
      (r as GValue[]).some((v) => {
        if (Array.isArray(v) || Array.isArray(l)) throw new Fault("runtime error: comparing uncomparable type []interface {}");
        return v === l || (v instanceof GoRegexp && l instanceof GoRegexp && v === l);
      }),
    right: isArray,
  },
  BITWISE_OR: { operator: (l, r) => Number(toInt64(num(l)) | toInt64(num(r))), left: isFloat, right: isFloat },
  BITWISE_AND: { operator: (l, r) => Number(toInt64(num(l)) & toInt64(num(r))), left: isFloat, right: isFloat },
  BITWISE_XOR: { operator: (l, r) => Number(toInt64(num(l)) ^ toInt64(num(r))), left: isFloat, right: isFloat },
  BITWISE_LSHIFT: {
    operator: (l, r) => {
      const s = toUint64(num(r));
      return s >= 64n ? 0 : Number(BigInt.asUintN(64, toUint64(num(l)) << s));
    },
    left: isFloat,
    right: isFloat,
  },
  BITWISE_RSHIFT: {
    operator: (l, r) => {
      const s = toUint64(num(r));
      return s >= 64n ? 0 : Number(toUint64(num(l)) >> s);
    },
    left: isFloat,
    right: isFloat,
  },
  PLUS: {
    operator: (l, r) => (isString(l) || isString(r) ? formatValue(l) + formatValue(r) : num(l) + num(r)),
    combined: additionTypeCheck,
  },
  MINUS: { operator: (l, r) => num(l) - num(r), left: isFloat, right: isFloat },
  MULTIPLY: { operator: (l, r) => num(l) * num(r), left: isFloat, right: isFloat },
  DIVIDE: { operator: (l, r) => num(l) / num(r), left: isFloat, right: isFloat },
  MODULUS: { operator: (l, r) => num(l) % num(r), left: isFloat, right: isFloat },
  EXPONENT: { operator: (l, r) => Math.pow(num(l), num(r)), left: isFloat, right: isFloat },
  NEGATE: { operator: (_l, r) => -num(r), right: isFloat },
  INVERT: { operator: (_l, r) => !(r as boolean), right: isBool },
  BITWISE_NOT: { operator: (_l, r) => Number(~toInt64(num(r))), right: isFloat },
  TERNARY_TRUE: { operator: (l, r) => ((l as boolean) ? r : null), left: isBool },
  TERNARY_FALSE: { operator: (l, r) => (l !== null ? l : r) },
  COALESCE: { operator: (l, r) => (l !== null ? l : r) },
  SEPARATE: { operator: (l, r) => (Array.isArray(l) ? [...l, r] : [l, r]) },
};

export function makeStage(symbol: Sym, typeErrorFormat: string, position: number, left?: Stage, right?: Stage): Stage {
  const spec = OPERATORS[symbol];
  if (!spec) throw new Error(`no operator for ${symbol}`);
  return {
    symbol,
    left,
    right,
    operator: spec.operator,
    leftCheck: spec.left,
    rightCheck: spec.right,
    combinedCheck: spec.combined,
    typeErrorFormat,
    position,
  };
}

export function literalStage(value: GValue, position: number): Stage {
  return {
    symbol: "LITERAL",
    left: undefined,
    right: undefined,
    operator: () => value,
    leftCheck: undefined,
    rightCheck: undefined,
    combinedCheck: undefined,
    typeErrorFormat: "",
    position,
  };
}

export function customStage(symbol: Sym, operator: Operator, position: number, right?: Stage, typeErrorFormat = ""): Stage {
  return {
    symbol,
    left: undefined,
    right,
    operator,
    leftCheck: undefined,
    rightCheck: undefined,
    combinedCheck: undefined,
    typeErrorFormat,
    position,
  };
}
