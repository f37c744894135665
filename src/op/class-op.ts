import type { OpContext } from "./context.ts";
import type { RunInput, RunOutput, Sign } from "./signature.ts";

/**
 * A class OP (dflow's `class X(OP)`): signatures in static `inputSign()`/`outputSign()`, the body in
 * `execute`. Type the class as `extends OP<typeof inSign, typeof outSign>` to get `execute` typed.
 */
export abstract class OP<I extends Sign = Sign, O extends Sign = Sign> {
  /** Carries the signature types for inference (FunctionOPTemplate(MyOP)); never set. */
  declare readonly __sign?: { inputs: I; outputs: O };
  static inputSign(): Sign {
    throw new Error(`${this.name}: a class OP must define static inputSign()`);
  }
  static outputSign(): Sign {
    throw new Error(`${this.name}: a class OP must define static outputSign()`);
  }
  /** Total of progress units; set `progressCurrent` as work advances (dflow's progress_total/current). */
  progressTotal = 0;
  #current = 0;
  /** Set by the runner. */
  context?: OpContext;

  get progressCurrent(): number {
    return this.#current;
  }
  set progressCurrent(v: number) {
    this.#current = v;
    if (this.progressTotal > 0) this.context?.progress(v, this.progressTotal);
  }

  abstract execute(input: RunInput<I>, ctx: OpContext): RunOutput<O> | Promise<RunOutput<O>>;
}

export type OPClass<I extends Sign = any, O extends Sign = any> = (abstract new () => OP<I, O>) & {
  inputSign(): Sign;
  outputSign(): Sign;
};

export function isOPClass(x: unknown): x is OPClass & (new () => OP) {
  return typeof x === "function" && x.prototype instanceof OP;
}
