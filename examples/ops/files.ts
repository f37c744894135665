import { mkdir, readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { Artifact, defineOp } from "dflow-ts";

/** Writes `count` files and returns them as a list artifact. */
export const makeFiles = defineOp({
  name: "make-files",
  inputs: { count: z.number().int().positive() },
  outputs: { files: Artifact.paths(), names: z.array(z.string()) },
  async run({ count }) {
    await mkdir("data", { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < count; i++) {
      const f = `data/part-${i}.txt`;
      await writeFile(f, `part ${i}\n`);
      files.push(f);
    }
    return { files, names: files.map((f) => f.split("/").pop()!) };
  },
});

/** Handles one slice: counts the characters of one file, tagged with its name. */
export const measure = defineOp({
  name: "measure",
  inputs: { name: z.string(), file: Artifact.path() },
  outputs: { size: z.number(), report: Artifact.path() },
  async run({ name, file }) {
    const text = await readFile(file, "utf8");
    await writeFile(`${name}.report`, `${name}: ${text.length}\n`);
    return { size: text.length, report: `${name}.report` };
  },
});

/** Reads an optional artifact; says whether it came. */
export const maybeRead = defineOp({
  name: "maybe-read",
  inputs: { extra: Artifact.path({ optional: true }) },
  outputs: { got: z.string() },
  async run({ extra }) {
    return { got: extra ? (await readFile(extra, "utf8")).trim() : "nothing" };
  },
});
