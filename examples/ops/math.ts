import { z } from "zod";
import { defineOp, FatalError, TransientError } from "dflow-ts";

export const plusOne = defineOp({
  name: "plus-one",
  inputs: { iter: z.number().int() },
  outputs: { iter: z.number().int() },
  run: ({ iter }) => ({ iter: iter + 1 }),
});

export const square = defineOp({
  name: "square",
  inputs: { x: z.number() },
  outputs: { y: z.number() },
  run: ({ x }) => ({ y: x * x }),
});

export const sum = defineOp({
  name: "sum",
  inputs: { values: z.array(z.number()) },
  outputs: { total: z.number() },
  run: ({ values }) => ({ total: values.reduce((a, b) => a + b, 0) }),
});

/** Fails with a transient error until `attempt` reaches `succeedAt` (see retries in error-handling.ts). */
export const flaky = defineOp({
  name: "flaky",
  inputs: { fail: z.enum(["transient", "fatal", "never"]) },
  outputs: { ok: z.boolean() },
  run: ({ fail }) => {
    if (fail === "transient") throw new TransientError("the service was busy");
    if (fail === "fatal") throw new FatalError("the input can never work");
    return { ok: true };
  },
});

export const sleepFor = defineOp({
  name: "sleep-for",
  inputs: { seconds: z.number().nonnegative() },
  outputs: {},
  run: async ({ seconds }, ctx) => {
    const steps = Math.max(1, Math.ceil(seconds));
    for (let i = 0; i < steps; i++) {
      await new Promise((r) => setTimeout(r, (seconds * 1000) / steps));
      ctx.progress(i + 1, steps);
    }
    return {};
  },
});
