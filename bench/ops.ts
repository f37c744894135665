// Function OPs for bench/engine.ts (OPs live in a module of their own: it is bundled into the steps).
import { z } from "zod";
import { defineOp } from "../src/index.ts";

/** The most trivial function OP with one input and one output parameter. */
export const echo = defineOp({
  name: "echo",
  inputs: { x: z.number() },
  outputs: { y: z.number() },
  async run({ x }) {
    return { y: x };
  },
});
