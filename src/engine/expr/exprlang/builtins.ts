/** expr-lang's non-closure builtins (builtin/builtin.go), with Go's string and number rules. */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { formatV, sortedKeys } from "../go/format.ts";
import { marshal, unmarshal } from "../go/json.ts";
import { atoi, parseFloat64 } from "../go/strconv.ts";
import * as gostr from "../go/strings.ts";
import { byteLength, fromBytes } from "../go/utf8.ts";
import { exprTypeName, floatToInt, goTypeName, type MapKey, type Value, type ValueMap } from "../values.ts";
import { compare, equal, fetch, toInt } from "./runtime.ts";

type Builtin = (args: readonly Value[], budget: Budget) => Value;

function arity(name: string, args: readonly Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
    throw new Fault(`invalid number of arguments for ${name} (expected ${expected}, got ${args.length})`);
  }
}

function str(name: string, v: Value | undefined): string {
  if (typeof v !== "string") throw new Fault(`invalid argument for ${name} (type ${goTypeName(v ?? null)}), expected string`);
  return v;
}

function int(name: string, v: Value | undefined): number {
  if (typeof v !== "bigint" && typeof v !== "number") throw new Fault(`invalid argument for ${name} (type ${goTypeName(v ?? null)}), expected int`);
  return Number(toInt(v));
}

function arr(name: string, v: Value | undefined): Value[] {
  if (!Array.isArray(v)) throw new Fault(`invalid argument for ${name} (type ${goTypeName(v ?? null)}), expected array`);
  return v;
}

function map(name: string, v: Value | undefined): ValueMap {
  if (!(v instanceof Map)) throw new Fault(`cannot get ${name} from ${goTypeName(v ?? null)}`);
  return v;
}

/** math.Round: half away from zero. */
function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

function roundLike(name: string, f: (x: number) => number): Builtin {
  return (args) => {
    arity(name, args, 1);
    const x = args[0]!;
    if (typeof x === "number") return f(x);
    if (typeof x === "bigint") return Number(x);
    throw new Fault(`invalid argument for ${name} (type ${goTypeName(x)})`);
  };
}

/** max/min over numbers and (nested) arrays of numbers. */
function minMax(name: string, pick: (a: Value, b: Value) => boolean, args: readonly Value[]): Value {
  let best: Value = null;
  const visit = (v: Value, single: boolean): void => {
    if (Array.isArray(v)) {
      for (const e of v) {
        if (Array.isArray(e)) visit(e, false);
        else if (typeof e === "bigint" || typeof e === "number") {
          if (best === null || pick(e, best)) best = e;
        } else throw new Fault(`invalid argument for ${name} (type ${goTypeName(e)})`);
      }
    } else if (typeof v === "bigint" || typeof v === "number") {
      if (best === null || pick(v, best)) best = v;
    } else if (single) best = v;
    else throw new Fault(`invalid argument for ${name} (type ${goTypeName(v)})`);
  };
  if (args.length === 0) throw new Fault(`not enough arguments to call ${name}`);
  for (const a of args) visit(a, args.length === 1);
  return best;
}

function numbers(name: string, args: readonly Value[]): number[] {
  const out: number[] = [];
  const visit = (v: Value): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "bigint" || typeof v === "number") out.push(Number(v));
    else throw new Fault(`invalid argument for ${name} (type ${goTypeName(v)})`);
  };
  args.forEach(visit);
  return out;
}

function flatten(v: readonly Value[], budget: Budget): Value[] {
  const out: Value[] = [];
  for (const e of v) {
    budget.tick();
    if (Array.isArray(e)) out.push(...flatten(e, budget));
    else out.push(e);
  }
  return out;
}

function bitFunc(name: string, f: (x: bigint, y: bigint) => bigint): Builtin {
  return (args) => {
    arity(name, args, 2);
    const [x, y] = args.map((a) => {
      if (typeof a !== "bigint") throw new Fault(`cannot use ${goTypeName(a)} as argument (type int) to call ${name}`);
      return a;
    }) as [bigint, bigint];
    if ((name.startsWith("bitsh") || name === "bitushr") && y < 0n) throw new Fault(`invalid operation: negative shift count ${y} (type int)`);
    return BigInt.asIntN(64, f(x, y));
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  len(args) {
    arity("len", args, 1);
    const v = args[0]!;
    if (Array.isArray(v)) return BigInt(v.length);
    if (v instanceof Map) return BigInt(v.size);
    if (typeof v === "string") return BigInt(byteLength(v));
    throw new Fault(`invalid argument for len (type ${goTypeName(v)})`);
  },
  type(args) {
    arity("type", args, 1);
    return exprTypeName(args[0]!);
  },
  abs(args) {
    arity("abs", args, 1);
    const v = args[0]!;
    if (typeof v === "bigint") return v < 0n ? BigInt.asIntN(64, -v) : v;
    if (typeof v === "number") return Math.abs(v);
    throw new Fault(`invalid argument for abs (type ${goTypeName(v)})`);
  },
  ceil: roundLike("ceil", Math.ceil),
  floor: roundLike("floor", Math.floor),
  round: roundLike("round", goRound),
  int(args) {
    arity("int", args, 1);
    const v = args[0]!;
    if (typeof v === "string") {
      const n = atoi(v);
      if (n === undefined) throw new Fault(`invalid operation: int(${v})`);
      return n;
    }
    if (typeof v === "number") return floatToInt(v);
    return toInt(v);
  },
  float(args) {
    arity("float", args, 1);
    const v = args[0]!;
    if (typeof v === "string") {
      const f = parseFloat64(v);
      if (f === undefined) throw new Fault(`invalid operation: float(${v})`);
      return f;
    }
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number") return v;
    throw new Fault(`invalid operation: float(${goTypeName(v)})`);
  },
  string(args, budget) {
    arity("string", args, 1);
    return formatV(args[0]!, budget);
  },
  trim(args) {
    arity("trim", args, 1, 2);
    const s = str("trim", args[0]);
    return args.length === 1 ? gostr.trimSpace(s) : gostr.trimCutset(s, str("trim", args[1]), true, true);
  },
  trimPrefix(args) {
    arity("trimPrefix", args, 1, 2);
    return gostr.trimPrefix(str("trimPrefix", args[0]), args.length === 2 ? str("trimPrefix", args[1]) : " ");
  },
  trimSuffix(args) {
    arity("trimSuffix", args, 1, 2);
    return gostr.trimSuffix(str("trimSuffix", args[0]), args.length === 2 ? str("trimSuffix", args[1]) : " ");
  },
  upper(args) {
    arity("upper", args, 1);
    return gostr.toUpper(str("upper", args[0]));
  },
  lower(args) {
    arity("lower", args, 1);
    return gostr.toLower(str("lower", args[0]));
  },
  split(args, budget) {
    arity("split", args, 2, 3);
    const [s, sep] = [str("split", args[0]), str("split", args[1])];
    const n = args.length === 3 ? int("split", args[2]) : -1;
    budget.elements(n < 0 ? gostr.count(s, sep) + 1 : Math.min(n, gostr.count(s, sep) + 1), "array");
    return gostr.splitN(s, sep, n);
  },
  splitAfter(args, budget) {
    arity("splitAfter", args, 2, 3);
    const [s, sep] = [str("splitAfter", args[0]), str("splitAfter", args[1])];
    const n = args.length === 3 ? int("splitAfter", args[2]) : -1;
    budget.elements(n < 0 ? gostr.count(s, sep) + 1 : Math.min(n, gostr.count(s, sep) + 1), "array");
    return gostr.splitN(s, sep, n, true);
  },
  replace(args, budget) {
    arity("replace", args, 3, 4);
    const s = str("replace", args[0]);
    const old = str("replace", args[1]);
    const repl = str("replace", args[2]);
    budget.string(gostr.count(s, old) * repl.length + s.length);
    return gostr.replace(s, old, repl, args.length === 4 ? int("replace", args[3]) : -1);
  },
  repeat(args, budget) {
    arity("repeat", args, 2);
    const s = str("repeat", args[0]);
    const n = int("repeat", args[1]);
    if (n < 0) throw new Fault(`invalid argument for repeat (expected positive integer, got ${n})`);
    if (n > 1e6) throw new Fault("memory budget exceeded");
    budget.string(s.length * n);
    return s.repeat(n);
  },
  join(args, budget) {
    arity("join", args, 1, 2);
    const parts = arr("join", args[0]).map((e) => {
      if (typeof e !== "string") throw new Fault(`invalid argument for join: element of type ${goTypeName(e)}, expected string`);
      return e;
    });
    const glue = args.length === 2 ? str("join", args[1]) : "";
    budget.string(parts.reduce((n, p) => n + p.length + glue.length, 0));
    return parts.join(glue);
  },
  indexOf(args) {
    arity("indexOf", args, 2);
    return BigInt(gostr.byteIndex(str("indexOf", args[0]), str("indexOf", args[1])));
  },
  lastIndexOf(args) {
    arity("lastIndexOf", args, 2);
    return BigInt(gostr.byteLastIndex(str("lastIndexOf", args[0]), str("lastIndexOf", args[1])));
  },
  hasPrefix(args) {
    arity("hasPrefix", args, 2);
    return str("hasPrefix", args[0]).startsWith(str("hasPrefix", args[1]));
  },
  hasSuffix(args) {
    arity("hasSuffix", args, 2);
    return str("hasSuffix", args[0]).endsWith(str("hasSuffix", args[1]));
  },
  max: (args) => minMax("max", (a, b) => compare("<", b, a) < 0, args),
  min: (args) => minMax("min", (a, b) => compare(">", b, a) > 0, args),
  mean(args) {
    const xs = numbers("mean", args);
    return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
  },
  median(args) {
    const xs = numbers("median", args).sort((a, b) => a - b);
    const n = xs.length;
    if (n === 0) return 0;
    return n % 2 === 1 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
  },
  toJSON(args, budget) {
    arity("toJSON", args, 1);
    return marshal(args[0]!, { indent: "  ", budget });
  },
  fromJSON(args, budget) {
    arity("fromJSON", args, 1);
    return unmarshal(str("fromJSON", args[0]), budget);
  },
  toBase64(args) {
    arity("toBase64", args, 1);
    return Buffer.from(str("toBase64", args[0]), "utf8").toString("base64");
  },
  fromBase64(args) {
    arity("fromBase64", args, 1);
    const s = str("fromBase64", args[0]).replace(/[\r\n]/g, "");
    if (!BASE64.test(s)) throw new Fault("illegal base64 data");
    return fromBytes(Buffer.from(s, "base64"));
  },
  now: unsupported("now"),
  duration: unsupported("duration"),
  date: unsupported("date"),
  timezone: unsupported("timezone"),
  first(args) {
    arity("first", args, 1);
    return orNil(() => fetch(args[0]!, 0n));
  },
  last(args) {
    arity("last", args, 1);
    return orNil(() => fetch(args[0]!, -1n));
  },
  get(args) {
    arity("get", args, 2);
    return orNil(() => fetch(args[0]!, args[1]!));
  },
  take(args) {
    arity("take", args, 2);
    const a = arr("take", args[0]);
    if (typeof args[1] !== "bigint") throw new Fault(`cannot take ${goTypeName(args[1]!)} elements`);
    return a.slice(0, Math.max(0, Number(args[1])));
  },
  keys(args) {
    arity("keys", args, 1);
    return sortedKeys([...map("keys", args[0]).keys()]);
  },
  values(args) {
    arity("values", args, 1);
    const m = map("values", args[0]);
    return sortedKeys([...m.keys()]).map((k) => m.get(k)!);
  },
  toPairs(args) {
    arity("toPairs", args, 1);
    const m = map("toPairs", args[0]);
    return sortedKeys([...m.keys()]).map((k) => [k, m.get(k)!]);
  },
  fromPairs(args) {
    arity("fromPairs", args, 1);
    const out: ValueMap = new Map();
    for (const p of arr("fromPairs", args[0])) {
      if (!Array.isArray(p)) throw new Fault(`invalid pair ${formatV(p)}`);
      if (p.length !== 2) throw new Fault(`invalid pair length ${formatV(p)}`);
      out.set(p[0] as MapKey, p[1]!);
    }
    return out;
  },
  reverse(args) {
    arity("reverse", args, 1);
    return [...arr("reverse", args[0])].reverse();
  },
  uniq(args, budget) {
    arity("uniq", args, 1);
    const out: Value[] = [];
    for (const e of arr("uniq", args[0])) {
      budget.tick(out.length + 1);
      if (!out.some((x) => equal(x, e))) out.push(e);
    }
    return out;
  },
  concat(args, budget) {
    if (args.length === 0) throw new Fault("invalid number of arguments (expected at least 1, got 0)");
    const out: Value[] = [];
    for (const a of args) {
      if (!Array.isArray(a)) throw new Fault(`cannot concat ${goTypeName(a)}`);
      budget.elements(out.length + a.length, "array");
      out.push(...a);
    }
    return out;
  },
  flatten(args, budget) {
    arity("flatten", args, 1);
    return flatten(arr("flatten", args[0]), budget);
  },
  sort(args, budget) {
    arity("sort", args, 1, 2);
    const copy = [...arr("sort", args[0])];
    let sign = 1;
    if (args.length === 2) {
      if (args[1] === "desc") sign = -1;
      else if (args[1] !== "asc") throw new Fault(`invalid order ${formatV(args[1]!)}, expected asc or desc`);
    }
    return copy.sort((a, b) => {
      budget.tick();
      return sign * compare("<", a, b);
    });
  },
  bitand: bitFunc("bitand", (x, y) => x & y),
  bitor: bitFunc("bitor", (x, y) => x | y),
  bitxor: bitFunc("bitxor", (x, y) => x ^ y),
  bitnand: bitFunc("bitnand", (x, y) => x & ~y),
  bitshl: bitFunc("bitshl", (x, y) => (y >= 64n ? 0n : x << y)),
  bitshr: bitFunc("bitshr", (x, y) => (y >= 64n ? (x < 0n ? -1n : 0n) : x >> y)),
  bitushr: bitFunc("bitushr", (x, y) => (y >= 64n ? 0n : BigInt.asUintN(64, x) >> y)),
  bitnot(args) {
    arity("bitnot", args, 1);
    if (typeof args[0] !== "bigint") throw new Fault(`cannot use ${goTypeName(args[0]!)} as argument (type int) to call bitnot`);
    return ~args[0];
  },
};

function unsupported(name: string): Builtin {
  return () => {
    throw new Fault(`builtin ${name}() (dates and durations) is not supported by dflow-ts`);
  };
}

function orNil(f: () => Value): Value {
  try {
    return f();
  } catch (e) {
    if (e instanceof Fault) return null;
    throw e;
  }
}
