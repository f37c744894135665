import { describe, expect, it } from "vitest";
import { findCycle } from "../../src/argo/graph.ts";

describe("findCycle", () => {
  it("names the cycle, or nothing for an acyclic graph", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]))).toBeUndefined();
    expect(findCycle(new Map([["a", ["c"]], ["b", ["a"]], ["c", ["b"]]]))).toEqual(["a", "c", "b", "a"]);
    expect(findCycle(new Map([["s", ["s"]]]))).toEqual(["s", "s"]);
    expect(findCycle(new Map([["a", ["b", "c"]], ["b", ["d"]], ["c", ["d"]], ["d", []]]))).toBeUndefined(); // diamond
  });
  it("handles a chain of 100,000 tasks without overflowing the stack", () => {
    const deps = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) deps.set(`t${i}`, i + 1 < 100_000 ? [`t${i + 1}`] : []);
    expect(findCycle(deps)).toBeUndefined();
    deps.set("t99999", ["t0"]);
    expect(findCycle(deps)!.length).toBe(100_001);
  });
});
