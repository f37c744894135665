import { Fault } from "./errors.ts";

/** Hard limits that keep every evaluation bounded in time and memory, whatever the input. */
export const LIMITS = {
  /** Evaluation steps (AST nodes visited, loop iterations, regex VM steps) per evaluation. */
  steps: 2_000_000,
  /** Largest string (in UTF-16 units) or collection (in elements) one operation may build. */
  size: 4_000_000,
  /** Deepest nesting a parser accepts (parentheses, brackets, unary chains). */
  depth: 256,
  /** Longest expression text accepted by a parser. */
  source: 100_000,
} as const;

/**
 * A per-evaluation budget. Interpreters tick it for every node they visit and ask it before
 * allocating, so `repeat("x", 1e12)` or a pathological regex fail fast instead of hanging.
 */
export class Budget {
  private used = 0;

  constructor(private readonly maxSteps: number = LIMITS.steps) {}

  tick(n = 1): void {
    this.used += n;
    if (this.used > this.maxSteps) throw new Fault(`evaluation budget of ${this.maxSteps} steps exceeded`);
  }

  /** Fail unless a value of `n` units (characters or elements) may be built. */
  alloc(n: number, what = "value"): void {
    if (!(n <= LIMITS.size)) throw new Fault(`memory budget exceeded: ${what} of size ${n} is larger than ${LIMITS.size}`);
    this.tick(Math.ceil(n / 64));
  }
}
