/** expr-lang's closure builtins: all, any, filter, map, reduce, sortBy, groupBy, … */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { goTypeName, type MapKey, type Value, type ValueMap } from "../values.ts";
import { type Arg, Closure } from "./closure.ts";
import { arithmetic, compare } from "./runtime.ts";

function array(name: string, v: Arg | undefined): Value[] {
  if (Array.isArray(v)) return v;
  const shown = v instanceof Closure ? "func" : goTypeName(v ?? null);
  throw new Fault(`cannot iterate over ${shown} in ${name}`);
}

function closure(name: string, v: Arg | undefined): Closure {
  if (!(v instanceof Closure)) throw new Fault(`${name} expects a predicate`);
  return v;
}

function test(name: string, c: Closure, e: Value, i: number): boolean {
  const r = c.apply(e, i, null);
  if (typeof r !== "boolean") throw new Fault(`predicate of ${name} must return a bool, got ${goTypeName(r)}`);
  return r;
}

type PredicateBuiltin = (args: readonly Arg[], budget: Budget) => Value;

/** Iterate the array argument, testing each element with the predicate argument. */
function* tested(name: string, args: readonly Arg[], budget: Budget): Generator<{ e: Value; i: number; ok: boolean }> {
  const arr = array(name, args[0]);
  const c = closure(name, args[1]);
  for (let i = 0; i < arr.length; i++) {
    budget.tick();
    yield { e: arr[i]!, i, ok: test(name, c, arr[i]!, i) };
  }
}

export const PREDICATE_IMPLS: Readonly<Record<string, PredicateBuiltin>> = {
  all(args, budget) {
    for (const { ok } of tested("all", args, budget)) if (!ok) return false;
    return true;
  },
  none(args, budget) {
    for (const { ok } of tested("none", args, budget)) if (ok) return false;
    return true;
  },
  any(args, budget) {
    for (const { ok } of tested("any", args, budget)) if (ok) return true;
    return false;
  },
  one(args, budget) {
    let n = 0;
    for (const { ok } of tested("one", args, budget)) if (ok) n++;
    return n === 1;
  },
  filter(args, budget) {
    const out: Value[] = [];
    for (const { e, ok } of tested("filter", args, budget)) if (ok) out.push(e);
    return out;
  },
  map(args, budget) {
    const arr = array("map", args[0]);
    const c = closure("map", args[1]);
    return arr.map((e, i) => {
      budget.tick();
      return c.apply(e, i, null);
    });
  },
  find(args, budget) {
    for (const { e, ok } of tested("find", args, budget)) if (ok) return e;
    return null;
  },
  findIndex(args, budget) {
    for (const { i, ok } of tested("findIndex", args, budget)) if (ok) return BigInt(i);
    return -1n;
  },
  findLast(args, budget) {
    let out: Value = null;
    for (const { e, ok } of tested("findLast", args, budget)) if (ok) out = e;
    return out;
  },
  findLastIndex(args, budget) {
    let out = -1n;
    for (const { i, ok } of tested("findLastIndex", args, budget)) if (ok) out = BigInt(i);
    return out;
  },
  count(args, budget) {
    const arr = array("count", args[0]);
    const c = args[1] === undefined ? undefined : closure("count", args[1]);
    let n = 0n;
    arr.forEach((e, i) => {
      budget.tick();
      const r = c ? c.apply(e, i, null) : e;
      if (typeof r !== "boolean") throw new Fault(`predicate of count must return a bool, got ${goTypeName(r)}`);
      if (r) n++;
    });
    return n;
  },
  sum(args, budget) {
    const arr = array("sum", args[0]);
    const c = args[1] === undefined ? undefined : closure("sum", args[1]);
    let total: Value = 0n;
    arr.forEach((e, i) => {
      budget.tick();
      const v = c ? c.apply(e, i, null) : e;
      if (typeof v !== "bigint" && typeof v !== "number") throw new Fault(`invalid operation: sum of ${goTypeName(v)}`);
      total = arithmetic("+", total, v, budget);
    });
    return total;
  },
  groupBy(args, budget) {
    const out: ValueMap = new Map();
    const arr = array("groupBy", args[0]);
    const c = closure("groupBy", args[1]);
    arr.forEach((e, i) => {
      budget.tick();
      const key = c.apply(e, i, null);
      if (Array.isArray(key) || key instanceof Map || (typeof key === "object" && key !== null)) {
        throw new Fault(`runtime error: hash of unhashable type ${goTypeName(key)}`);
      }
      const group = out.get(key as MapKey);
      if (Array.isArray(group)) group.push(e);
      else out.set(key as MapKey, [e]);
    });
    return out;
  },
  sortBy(args, budget) {
    const arr = array("sortBy", args[0]);
    const c = closure("sortBy", args[1]);
    const order = args[2] === undefined ? "asc" : args[2];
    if (order !== "asc" && order !== "desc") throw new Fault(`unknown order ${String(order)}, use asc or desc`);
    const keyed = arr.map((e, i) => {
      budget.tick();
      return { e, k: c.apply(e, i, null) };
    });
    const sign = order === "desc" ? -1 : 1;
    keyed.sort((x, y) => {
      budget.tick();
      return sign * compare("<", x.k, y.k);
    });
    return keyed.map((x) => x.e);
  },
  reduce(args, budget) {
    const arr = array("reduce", args[0]);
    const c = closure("reduce", args[1]);
    let start = 0;
    let acc: Value;
    if (args.length > 2) acc = args[2] as Value;
    else {
      if (arr.length === 0) throw new Fault("reduce of empty array with no initial value");
      acc = arr[0]!;
      start = 1;
    }
    for (let i = start; i < arr.length; i++) {
      budget.tick();
      acc = c.apply(arr[i]!, i, acc);
    }
    return acc;
  },
};
