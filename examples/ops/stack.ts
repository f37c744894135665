import { mkdir, readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { Artifact, defineOp } from "dflow-ts";

/** Reads the stacked outputs of a sliced loop: one path per slice, in slice order. */
export const gather = defineOp({
  name: "gather",
  inputs: { reports: Artifact.paths() },
  outputs: { text: z.string(), count: z.number() },
  async run({ reports }) {
    const parts = await Promise.all(reports.map((r) => readFile(r, "utf8")));
    return { text: parts.map((p) => p.trim()).join("; "), count: reports.length };
  },
});

/** dflow's test_subpath_slices "prepare": messages and one file each, stored unarchived (subPath needs it). */
export const prepare = defineOp({
  name: "prepare",
  inputs: { count: z.number().int().positive() },
  outputs: { msg: z.array(z.string()), foo: Artifact.paths({ archive: null }) },
  async run({ count }) {
    await mkdir("foo", { recursive: true });
    const foo: string[] = [];
    for (let i = 0; i < count; i++) {
      await writeFile(`foo/foo${i}.txt`, `foo ${i}\n`);
      foo.push(`foo/foo${i}.txt`);
    }
    return { msg: foo.map((_, i) => `msg ${i}`), foo };
  },
});

/** Handles one slice: gets only its own file. Every slice writes "bar.txt": createDir keeps them apart. */
export const hello = defineOp({
  name: "hello",
  inputs: { msg: z.string(), foo: Artifact.path() },
  outputs: { bar: Artifact.path() },
  async run({ msg, foo }) {
    const text = (await readFile(foo, "utf8")).trim();
    await writeFile("bar.txt", `${msg} got ${text}\n`);
    return { bar: "bar.txt" };
  },
});
