// Loop expansion (withItems / withParam / withSequence) and Argo's item formatting rules.
import type { Item, Sequence } from "../argo/manifest.ts";
import { NodeError } from "./errors.ts";

/** Most children one loop may have (a typo like count: 1e9 must not exhaust memory). */
export const MAX_LOOP = 1_000_000;

export interface LoopChild {
  index: number;
  item: Item;
}

export interface LoopSpec {
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
}

/** `{{item}}` text of a value: strings as-is, everything else as JSON (numbers print as Go's %v does). */
export function formatItem(item: Item): string {
  if (typeof item === "string") return item;
  if (item === null) return "null";
  return JSON.stringify(item);
}

/** The `(i:label)` part of a loop child's name, following Argo (maps: sorted `key:value` pairs). */
export function itemLabel(item: Item): string {
  if (item !== null && typeof item === "object" && !Array.isArray(item))
    return Object.entries(item)
      .map(([k, v]) => `${k}:${formatItem(v)}`)
      .sort()
      .join(",");
  return formatItem(item);
}

/** Variables a loop child adds to its scope: `item` and, for maps, `item.<key>`. */
export function itemVars(item: Item): Record<string, string> {
  const vars: Record<string, string> = { item: formatItem(item) };
  if (item !== null && typeof item === "object" && !Array.isArray(item))
    for (const [k, v] of Object.entries(item)) vars[`item.${k}`] = formatItem(v);
  return vars;
}

/**
 * Items of a looped step, or undefined when the step has no loop. `render` substitutes `{{…}}`
 * in withParam and withSequence fields first.
 */
export function expandLoop(spec: LoopSpec, render: (text: string) => string): LoopChild[] | undefined {
  if (spec.withItems) return spec.withItems.map((item, index) => ({ index, item }));
  if (spec.withParam !== undefined) {
    const text = render(spec.withParam);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new NodeError(`withParam value could not be parsed as a JSON list: ${text.slice(0, 200)}: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new NodeError(`withParam value could not be parsed as a JSON list: ${text.slice(0, 200)}`);
    if (parsed.length > MAX_LOOP) throw new NodeError(`withParam: ${parsed.length} items exceed the local engine's limit of ${MAX_LOOP} per loop`);
    return (parsed as Item[]).map((item, index) => ({ index, item }));
  }
  if (spec.withSequence) return expandSequence(spec.withSequence, render).map((item, index) => ({ index, item }));
  return undefined;
}

function expandSequence(seq: Sequence, render: (text: string) => string): string[] {
  const num = (v: string | number | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const text = render(String(v)).trim();
    const n = Number(text);
    if (text === "" || !Number.isInteger(n)) throw new NodeError(`withSequence.${what} "${text}" is not an integer`);
    return n;
  };
  const count = num(seq.count, "count");
  const start = num(seq.start, "start") ?? 0;
  let end = num(seq.end, "end");
  if (count !== undefined && end !== undefined) throw new NodeError("withSequence: only one of count or end can be defined");
  if (count !== undefined) {
    if (count < 0) throw new NodeError(`withSequence.count ${count} must be >= 0`);
    if (count === 0) return [];
    end = start + count - 1;
  }
  if (end === undefined) throw new NodeError("withSequence: one of count or end must be defined");
  if (Math.abs(end - start) + 1 > MAX_LOOP) throw new NodeError(`withSequence: ${Math.abs(end - start) + 1} items exceed the local engine's limit of ${MAX_LOOP} per loop`);
  const out: string[] = [];
  const step = end >= start ? 1 : -1;
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(seq.format ? sprintf(seq.format, i) : String(i));
  return out;
}

/** The printf subset withSequence formats use: %d %i %x %X %o %s %f with flags, width and precision. */
export function sprintf(format: string, value: number): string {
  return format.replace(/%([-0+ ]*)(\d*)(?:\.(\d+))?([dixXosfe%])/g, (_m, flags: string, width: string, prec: string, conv: string) => {
    if (conv === "%") return "%";
    let s: string;
    switch (conv) {
      case "x":
        s = Math.trunc(value).toString(16);
        break;
      case "X":
        s = Math.trunc(value).toString(16).toUpperCase();
        break;
      case "o":
        s = Math.trunc(value).toString(8);
        break;
      case "f":
        s = value.toFixed(prec ? Number(prec) : 6);
        break;
      case "e":
        s = value.toExponential(prec ? Number(prec) : 6);
        break;
      default:
        s = String(Math.trunc(value));
    }
    if (flags.includes("+") && value >= 0 && conv !== "s") s = "+" + s;
    const w = width ? Number(width) : 0;
    if (s.length < w) {
      if (flags.includes("-")) s = s.padEnd(w);
      else if (flags.includes("0")) {
        const neg = s.startsWith("-") || s.startsWith("+");
        s = neg ? s[0] + s.slice(1).padStart(w - 1, "0") : s.padStart(w, "0");
      } else s = s.padStart(w);
    }
    return s;
  });
}
