import { copyFile } from "node:fs/promises";
import { z } from "zod";
import { Artifact, OP, type RunInput, type RunOutput } from "dflow-ts";

const inputSign = { msg: z.string(), foo: Artifact.path() };
const outputSign = { msg: z.string(), bar: Artifact.path() };

/** dflow's SimpleExample as a class OP: copies `foo` to `bar` and passes `msg` through. */
export class SimpleExample extends OP<typeof inputSign, typeof outputSign> {
  static override inputSign() {
    return inputSign;
  }
  static override outputSign() {
    return outputSign;
  }
  async execute({ msg, foo }: RunInput<typeof inputSign>): Promise<RunOutput<typeof outputSign>> {
    await copyFile(foo, "bar.txt");
    return { msg, bar: "bar.txt" };
  }
}
