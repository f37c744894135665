/** fmt's %v for the values expressions produce (Go's fmt.Sprint). */
import type { Budget } from "../budget.ts";
import { GoFunction, type MapKey, type Value } from "../values.ts";
import { formatFloatG } from "./strconv.ts";
import { compareStrings } from "./utf8.ts";

export function formatV(v: Value, budget?: Budget): string {
  budget?.tick();
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return formatFloatG(v);
    case "string":
      return v;
  }
  if (Array.isArray(v)) return `[${v.map((e) => formatV(e, budget)).join(" ")}]`;
  if (v instanceof GoFunction) return `func(${v.name})`;
  const keys = sortedKeys([...v.keys()]);
  return `map[${keys.map((k) => `${formatV(k)}:${formatV(v.get(k)!, budget)}`).join(" ")}]`;
}

function keyRank(k: MapKey): number {
  if (k === null) return 0;
  return { boolean: 1, bigint: 2, number: 3, string: 4 }[typeof k as "boolean" | "bigint" | "number" | "string"];
}

/** Keys in the order fmt and encoding/json print them. */
export function sortedKeys(keys: MapKey[]): MapKey[] {
  return keys.sort((a, b) => {
    const ra = keyRank(a);
    const rb = keyRank(b);
    if (ra !== rb) return ra - rb;
    if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
    if (a === b) return 0;
    return (a as number) < (b as number) ? -1 : 1;
  });
}
