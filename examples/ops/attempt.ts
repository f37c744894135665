import { z } from "zod";
import { defineOp, TransientError } from "dflow-ts";

/** Squares `i`, but fails (TransientError, as dflow's test_success_ratio does) when `i` is in `failOn`. */
export const attempt = defineOp({
  name: "attempt",
  inputs: { i: z.number().int(), failOn: z.array(z.number().int()) },
  outputs: { square: z.number() },
  run: ({ i, failOn }) => {
    if (failOn.includes(i)) throw new TransientError(`item ${i} fails on purpose`);
    return { square: i * i };
  },
});

/** Keeps the outputs of the children that succeeded: a failed child leaves "" in a loop's aggregated output. */
export const gather = defineOp({
  name: "gather",
  inputs: { squares: z.array(z.union([z.number(), z.literal("")])) },
  outputs: { succeeded: z.array(z.number()) },
  run: ({ squares }) => ({ succeeded: squares.filter((x) => x !== "") }),
});
