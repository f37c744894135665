import { copyFile } from "node:fs/promises";
import { z } from "zod";
import { Artifact, defineOp } from "dflow-ts";

/** Repeats a message `num` times and copies the input file to `bar.txt`. */
export const duplicate = defineOp({
  name: "duplicate",
  inputs: { msg: z.string(), num: z.number().int().nonnegative(), foo: Artifact.path() },
  outputs: { msg: z.string(), bar: Artifact.path() },
  async run({ msg, num, foo }) {
    await copyFile(foo, "bar.txt");
    return { msg: msg.repeat(num), bar: "bar.txt" };
  },
});
