import { Fault } from "./errors.ts";

/** Hard limits that keep every evaluation bounded in time and memory, whatever the input. */
export const LIMITS = {
  /** Evaluation steps (AST nodes visited, loop iterations, regex VM steps) per evaluation. */
  steps: 1_000_000,
  /** Largest collection (array, map, range) one operation may build, in elements. */
  elements: 1_000_000,
  /** Largest string one operation may build, in UTF-16 units. */
  stringLength: 16_000_000,
  /** Deepest nesting a parser accepts (parentheses, brackets, unary chains). */
  depth: 256,
  /** Longest expression text accepted by a parser. */
  source: 100_000,
} as const;

/**
 * A per-evaluation budget. Interpreters tick it for every node they visit and ask it before
 * allocating, so `repeat("x", 1e12)` or a pathological regex fail fast instead of hanging.
 * Allocations also cost steps, which bounds the total memory an evaluation can build.
 */
export class Budget {
  private used = 0;

  constructor(private readonly maxSteps: number = LIMITS.steps) {}

  tick(n = 1): void {
    this.used += n;
    if (this.used > this.maxSteps) throw new Fault(`evaluation budget of ${this.maxSteps} steps exceeded`);
  }

  /** Fail unless a collection of `n` elements may be built. */
  elements(n: number, what = "collection"): void {
    if (!(n <= LIMITS.elements)) throw new Fault(`memory budget exceeded: ${what} of ${n} elements is larger than ${LIMITS.elements}`);
    this.tick(Math.ceil(n / 4));
  }

  /** Fail unless a string of `n` UTF-16 units may be built. */
  string(n: number): void {
    if (!(n <= LIMITS.stringLength)) throw new Fault(`memory budget exceeded: string of ${n} characters is longer than ${LIMITS.stringLength}`);
    this.tick(Math.ceil(n / 1024));
  }
}
