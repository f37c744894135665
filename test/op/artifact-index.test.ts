import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readArtifact, stackItems, STACK_DIR, writeArtifact } from "../../src/op/artifact-index.ts";

// A stacked artifact is what the children of a sliced loop leave under one key: each adds its
// files and its own part index; readers see the items in slice order.
function work(): { cwd: string; root: string } {
  const cwd = mkdtempSync(path.join(tmpdir(), "dflow-stack-"));
  return { cwd, root: path.join(cwd, "stack") };
}

describe("stacked artifacts", () => {
  it("reads parts in numeric slice order (10 after 9), each part's list flattened", () => {
    const { cwd, root } = work();
    // Written out of order, as parallel children finish.
    for (const i of [11, 2, 10, 0, 9, 1, 3, 4, 5, 6, 7, 8]) {
      writeFileSync(path.join(cwd, `r${i}.txt`), `${i}`);
      writeArtifact(root, "path", `r${i}.txt`, cwd, { slice: i, createDir: false });
    }
    expect(stackItems(root)).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}.txt`));
    expect(readArtifact(root, "paths")).toEqual(Array.from({ length: 12 }, (_, i) => path.join(root, `r${i}.txt`)));
    expect(readArtifact(root, "path")).toBe(root);
    expect(() => readArtifact(root, "pathMap")).toThrow(/stacks the outputs of sliced steps: read it as Artifact.path\(\) or Artifact.paths\(\), not pathMap/);
  });

  it("createDir puts each slice's files under its own directory, so equal names do not clash", () => {
    const { cwd, root } = work();
    for (const i of [0, 1]) {
      const dir = path.join(cwd, `w${i}`);
      mkdirSync(path.join(dir, "out"), { recursive: true });
      writeFileSync(path.join(dir, "out", "a.txt"), `slice ${i}`);
      writeFileSync(path.join(dir, "b.txt"), `b ${i}`);
      writeArtifact(root, "paths", ["out/a.txt", "b.txt"], dir, { slice: i, createDir: true });
    }
    expect(stackItems(root)).toEqual(["0/out/a.txt", "0/b.txt", "1/out/a.txt", "1/b.txt"]);
    expect(readdirSync(root).sort()).toEqual([STACK_DIR, "0", "1"].sort());
  });

  it("a plain artifact keeps its single index and is not a stack", () => {
    const { cwd, root } = work();
    writeFileSync(path.join(cwd, "x.txt"), "x");
    writeArtifact(root, "paths", ["x.txt"], cwd);
    expect(stackItems(root)).toBeUndefined();
    expect(readArtifact(root, "paths")).toEqual([path.join(root, "x.txt")]);
  });
});
