/**
 * JSONPath as Argo's `jsonpath(json, path)` evaluates it (github.com/evilmonkeyinc/jsonpath):
 * `$`, `.key`, `['key']`, `[n]` (negative from the end), `*`, `..`, unions `[a,b]`, ranges
 * `[start:end:step]`, filters `[?(@.x > 1)]`, scripts `[(@.length-1)]` and `.length`. A path of
 * keys and indices yields one value; wildcards, unions, ranges, filters and `..` yield a list.
 */
import type { Budget } from "./budget.ts";
import { Fault } from "./errors.ts";
import { sortedKeys } from "./go/format.ts";
import { runes } from "./go/utf8.ts";
import { jsonPathError as err, parsePath, type PathToken, type Selector } from "./jsonpath/path.ts";
import { evalScript, truthy } from "./jsonpath/script.ts";
import type { MapKey, Value } from "./values.ts";

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

  private evalScript(expr: string, current: Value): Value {
    return evalScript(expr, (path) => {
      try {
        return new Query(this.root, this.budget).apply(parsePath(path), path.startsWith("@") ? current : this.root);
      } catch (e) {
        // A path that does not resolve is simply missing in a filter.
        if (e instanceof Fault && !e.message.includes("budget")) return null;
        throw e;
      }
    });
  }
}

export function queryJsonPath(data: Value, path: string, budget: Budget): Value {
  return new Query(data, budget).apply(parsePath(path), data);
}
