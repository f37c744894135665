/**
 * A dependency cycle among DAG tasks, as the path `[a, c, b, a]`, or undefined. Iterative, so a
 * chain of any length cannot overflow the stack. Used by the compiler and the engine's validation.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  for (const start of deps.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, "visiting");
    while (path.length) {
      const n = path[path.length - 1]!;
      const children = deps.get(n) ?? [];
      const i = next[next.length - 1]!;
      if (i >= children.length) {
        state.set(n, "done");
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const d = children[i]!;
      const s = state.get(d);
      if (s === "visiting") return [...path.slice(path.indexOf(d)), d];
      if (s === undefined) {
        state.set(d, "visiting");
        path.push(d);
        next.push(0);
      }
    }
  }
  return undefined;
}
