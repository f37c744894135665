import { z } from "zod";
import { defineOp, OP, type RunInput, type RunOutput } from "dflow-ts";

const sign = { steps: z.number().int().positive(), delayMs: z.number().nonnegative().default(50) };
const out = { done: z.number() };

/** dflow's Progress example: a class OP that sets progressTotal and progressCurrent. */
export class Progress extends OP<typeof sign, typeof out> {
  static override inputSign() {
    return sign;
  }
  static override outputSign() {
    return out;
  }
  override progressTotal = 10;
  async execute({ steps, delayMs }: RunInput<typeof sign>): Promise<RunOutput<typeof out>> {
    this.progressTotal = steps;
    for (let i = 0; i < steps; i++) {
      await new Promise((r) => setTimeout(r, delayMs));
      this.progressCurrent = i + 1;
    }
    return { done: steps };
  }
}

/** The same with a function OP: ctx.progress(current, total). */
export const countUp = defineOp({
  name: "count-up",
  inputs: sign,
  outputs: out,
  async run({ steps, delayMs }, ctx) {
    for (let i = 0; i < steps; i++) {
      await new Promise((r) => setTimeout(r, delayMs));
      ctx.progress(i + 1, steps);
    }
    return { done: steps };
  },
});
