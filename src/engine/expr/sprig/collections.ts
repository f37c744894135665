/** sprig's lists (list.go), dicts (dict.go) and defaults (defaults.go). */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { compareStrings } from "../go/utf8.ts";
import { deepEqual, type GoFunction, type Value, type ValueMap } from "../values.ts";
import { define, defineVariadic, empty, kindOf, list, strval } from "./define.ts";

/** sprig's strslice: nil elements are dropped, others formatted with strval. */
export function strslice(v: Value): string[] {
  if (Array.isArray(v)) return v.filter((e) => e !== null).map((e) => strval(e));
  return v === null ? [] : [strval(v)];
}

function deepCopy(v: Value, budget: Budget): Value {
  budget.tick();
  if (Array.isArray(v)) return v.map((e) => deepCopy(e, budget));
  if (v instanceof Map) return new Map([...v].map(([k, e]) => [k, deepCopy(e, budget)]));
  return v;
}

/** mergo.Merge (dst wins) or mergo.Merge with WithOverride (src wins), recursing into maps. */
function merge(dst: ValueMap, src: ValueMap, override: boolean, budget: Budget): void {
  for (const [k, v] of src) {
    budget.tick();
    const cur = dst.get(k);
    if (cur instanceof Map && v instanceof Map) merge(cur, v, override, budget);
    else if (!dst.has(k) || empty(cur ?? null) || (override && !empty(v))) dst.set(k, v);
  }
}

function listFn(name: string, verb: string, f: (l: Value[], budget: Budget) => Value): GoFunction[] {
  const mustName = `must${name[0]!.toUpperCase()}${name.slice(1)}`;
  return [define(name, ["any"], ([v], budget) => f(list(verb, v), budget)), define(mustName, ["any"], ([v], budget) => f(list(verb, v), budget))];
}

export function collectionFunctions(): Record<string, GoFunction> {
  const fns: Record<string, GoFunction> = {
    list: defineVariadic("list", [], "any", (_a, vs) => [...vs]),
    tuple: defineVariadic("tuple", [], "any", (_a, vs) => [...vs]),
    dict: defineVariadic("dict", [], "any", (_a, vs) => {
      const m: ValueMap = new Map();
      for (let i = 0; i < vs.length; i += 2) m.set(strval(vs[i]!), i + 1 < vs.length ? vs[i + 1]! : "");
      return m;
    }),
    get: define("get", ["map", "string"], ([d, k]) => (d.has(k) ? d.get(k)! : "")),
    set: define("set", ["map", "string", "any"], ([d, k, v]) => d.set(k, v)),
    unset: define("unset", ["map", "string"], ([d, k]) => {
      d.delete(k);
      return d;
    }),
    hasKey: define("hasKey", ["map", "string"], ([d, k]) => d.has(k)),
    pluck: defineVariadic("pluck", ["string"], "map", ([k], ds) => ds.filter((d) => d.has(k)).map((d) => d.get(k)!)),
    keys: defineVariadic("keys", [], "map", (_a, ds) => ds.flatMap((d) => [...d.keys()].map((k) => strval(k)))),
    values: define("values", ["map"], ([d]) => [...d.values()]),
    pick: defineVariadic("pick", ["map"], "string", ([d], ks) => new Map(ks.filter((k) => d.has(k)).map((k) => [k, d.get(k)!]))),
    omit: defineVariadic("omit", ["map"], "string", ([d], ks) => new Map([...d].filter(([k]) => !ks.includes(k as string)))),
    dig: defineVariadic("dig", [], "any", (_a, ps) => {
      if (ps.length < 3) throw new Fault("dig needs at least three arguments");
      const dict = ps[ps.length - 1]!;
      const fallback = ps[ps.length - 2]!;
      let cur: Value = dict;
      for (const k of ps.slice(0, -2)) {
        if (!(cur instanceof Map)) throw new Fault(`interface conversion: interface {} is ${kindOf(cur)}, not map[string]interface {}`);
        const key = strval(k);
        if (!cur.has(key)) return fallback;
        cur = cur.get(key)!;
      }
      return cur;
    }),
    merge: defineVariadic("merge", ["map"], "map", ([dst], srcs, budget) => {
      for (const s of srcs) merge(dst, s, false, budget);
      return dst;
    }),
    mergeOverwrite: defineVariadic("mergeOverwrite", ["map"], "map", ([dst], srcs, budget) => {
      for (const s of srcs) merge(dst, s, true, budget);
      return dst;
    }),
    deepCopy: define("deepCopy", ["any"], ([v], budget) => deepCopy(v, budget)),
    mustDeepCopy: define("mustDeepCopy", ["any"], ([v], budget) => deepCopy(v, budget)),
    default: defineVariadic("default", ["any"], "any", ([d], given) => (given.length === 0 || empty(given[0]!) ? d : given[0]!)),
    empty: define("empty", ["any"], ([v]) => empty(v)),
    coalesce: defineVariadic("coalesce", [], "any", (_a, vs) => vs.find((v) => !empty(v)) ?? null),
    all: defineVariadic("all", [], "any", (_a, vs) => vs.every((v) => !empty(v))),
    any: defineVariadic("any", [], "any", (_a, vs) => vs.some((v) => !empty(v))),
    ternary: define("ternary", ["any", "any", "bool"], ([t, f, c]) => (c ? t : f)),
    toStrings: define("toStrings", ["any"], ([v]) => strslice(v)),
    join: define("join", ["string", "any"], ([sep, v], budget) => {
      const parts = strslice(v);
      budget.string(parts.reduce((n, p) => n + p.length + sep.length, 0));
      return parts.join(sep);
    }),
    sortAlpha: define("sortAlpha", ["any"], ([v]) => (Array.isArray(v) ? strslice(v).sort(compareStrings) : [strval(v)])),
    has: define("has", ["any", "any"], ([needle, hay]) => (hay === null ? false : list("find has", hay).some((e) => deepEqual(e, needle)))),
    mustHas: define("mustHas", ["any", "any"], ([needle, hay]) => (hay === null ? false : list("find has", hay).some((e) => deepEqual(e, needle)))),
    concat: defineVariadic("concat", [], "any", (_a, ls, budget) => {
      const out: Value[] = [];
      for (const l of ls) {
        if (!Array.isArray(l)) throw new Fault(`Cannot concat type ${kindOf(l)} as list`);
        budget.elements(out.length + l.length, "list");
        out.push(...l);
      }
      return out;
    }),
  };
  const pushFn = (name: string, verb: "push" | "prepend"): GoFunction =>
    define(name, ["any", "any"], ([l, v]) => (verb === "push" ? [...list(verb, l), v] : [v, ...list(verb, l)]));
  for (const n of ["append", "push", "mustAppend", "mustPush"]) fns[n] = pushFn(n, "push");
  for (const n of ["prepend", "mustPrepend"]) fns[n] = pushFn(n, "prepend");
  const pairs: [string, string, (l: Value[], budget: Budget) => Value][] = [
    ["first", "find first", (l) => l[0] ?? null],
    ["last", "find last", (l) => l[l.length - 1] ?? null],
    ["rest", "find rest", (l) => l.slice(1)],
    ["initial", "find initial", (l) => l.slice(0, -1)],
    ["reverse", "find reverse", (l) => [...l].reverse()],
    ["compact", "compact", (l) => l.filter((e) => !empty(e))],
    [
      "uniq",
      "find uniq",
      (l, budget) => {
        const out: Value[] = [];
        for (const e of l) {
          budget.tick(out.length + 1);
          if (!out.some((x) => deepEqual(x, e))) out.push(e);
        }
        return out;
      },
    ],
  ];
  for (const [name, verb, f] of pairs) {
    const [plain, must] = listFn(name, verb, f);
    fns[name] = plain!;
    fns[must!.name.slice("sprig.".length)] = must!;
  }
  for (const name of ["without", "mustWithout"]) {
    fns[name] = defineVariadic(name, ["any"], "any", ([l], omit) => list("find without", l).filter((e) => !omit.some((o) => deepEqual(o, e))));
  }
  for (const name of ["slice", "mustSlice"]) {
    fns[name] = defineVariadic(name, ["any"], "any", ([l], idx) => {
      const arr = list("slice", l);
      const ints = idx.map((i) => {
        if (typeof i !== "bigint") throw new Fault(`interface conversion: interface {} is ${kindOf(i)}, not int`);
        return Number(i);
      });
      const [a = 0, b = arr.length] = ints;
      if (a < 0 || b > arr.length || a > b) throw new Fault(`runtime error: slice bounds out of range [${a}:${b}] with capacity ${arr.length}`);
      return arr.slice(a, b);
    });
  }
  for (const name of ["chunk", "mustChunk"]) {
    fns[name] = define(name, ["int", "any"], ([size, l], budget) => {
      const arr = list("chunk", l);
      const n = Number(size);
      if (n < 1) throw new Fault("runtime error: integer divide by zero");
      const out: Value[] = [];
      for (let i = 0; i < arr.length; i += n) {
        budget.tick();
        out.push(arr.slice(i, i + n));
      }
      return out;
    });
  }
  return fns;
}
