import type { Value } from "../values.ts";

/** A predicate argument (`{# > 1}`), callable with the element, its index and an accumulator. */
export class Closure {
  constructor(readonly apply: (element: Value, index: number, acc: Value) => Value) {}
}

export type Arg = Value | Closure;
