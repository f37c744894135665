/** encoding/json as Go applies it to interface{} values: sorted keys, HTML-safe escaping. */
import type { Budget } from "../budget.ts";
import { Fault } from "../errors.ts";
import { GoFunction, type Value, type ValueMap } from "../values.ts";
import { sortedKeys } from "./format.ts";
import { formatFloatJSON } from "./strconv.ts";

export interface MarshalOptions {
  /** json.MarshalIndent's indent (prefix is always ""). */
  readonly indent?: string;
  /** Go's default (json.Marshal) escapes <, > and & as \u003c, \u003e, \u0026. */
  readonly escapeHTML?: boolean;
  readonly budget?: Budget;
}

const HEX = "0123456789abcdef";

export function quoteJSON(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x2028 || c === 0x2029) out += `\\u202${c === 0x2028 ? "8" : "9"}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + s[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return `${out}"`;
}

export function marshal(v: Value, options: MarshalOptions = {}): string {
  const escapeHTML = options.escapeHTML ?? true;
  const indent = options.indent ?? "";
  const budget = options.budget;
  const seen = new Set<object>();

  const enc = (x: Value, level: number): string => {
    budget?.tick();
    if (x === null) return "null";
    switch (typeof x) {
      case "boolean":
        return x ? "true" : "false";
      case "bigint":
        return x.toString();
      case "number":
        if (!Number.isFinite(x)) throw new Fault(`json: unsupported value: ${Number.isNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf"}`);
        return formatFloatJSON(x);
      case "string":
        return quoteJSON(x, escapeHTML);
    }
    if (x instanceof GoFunction) throw new Fault("json: unsupported type: func");
    if (seen.has(x)) throw new Fault("json: unsupported value: encountered a cycle");
    seen.add(x);
    try {
      const nl = indent ? `\n${indent.repeat(level + 1)}` : "";
      const close = indent ? `\n${indent.repeat(level)}` : "";
      if (Array.isArray(x)) {
        if (x.length === 0) return "[]";
        return `[${x.map((e) => nl + enc(e, level + 1)).join(",")}${close}]`;
      }
      const m = x as ValueMap;
      if (m.size === 0) return "{}";
      const keys = sortedKeys([...m.keys()]);
      if (keys.some((k) => typeof k !== "string")) throw new Fault("json: unsupported type: map[interface {}]interface {}");
      const sep = indent ? ": " : ":";
      return `{${keys.map((k) => `${nl}${quoteJSON(k as string, escapeHTML)}${sep}${enc(m.get(k)!, level + 1)}`).join(",")}${close}}`;
    } finally {
      seen.delete(x);
    }
  };
  return enc(v, 0);
}

/** json.Unmarshal into interface{}: objects become maps, every number a float64. */
export function unmarshal(text: string, budget?: Budget): Value {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Fault(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const conv = (x: unknown): Value => {
    budget?.tick();
    if (x === null || typeof x === "boolean" || typeof x === "string") return x;
    if (typeof x === "number") {
      if (!Number.isFinite(x)) throw new Fault("json: cannot unmarshal number into Go value of type float64");
      return x;
    }
    if (Array.isArray(x)) return x.map(conv);
    const m: ValueMap = new Map();
    for (const [k, e] of Object.entries(x as Record<string, unknown>)) m.set(k, conv(e));
    return m;
  };
  return conv(raw);
}
