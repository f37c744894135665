import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Step, Workflow } from "../../src/index.ts";
import { downloadArtifact, uploadArtifact } from "../../src/index.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { makeFiles } from "../../examples/ops/files.ts";

describe("uploaded artifacts as step inputs on the local engine", () => {
  it("an uploaded file reaches a function OP", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "dflow-up-"));
    const prev = process.cwd();
    process.chdir(work);
    try {
      mkdirSync("data");
      writeFileSync("data/foo.txt", "uploaded content\n");
      const foo = await uploadArtifact("data/foo.txt");
      const wf = new Workflow({ name: "upload" });
      wf.add(new Step({ name: "dup", template: duplicate, parameters: { msg: "x", num: 2 }, artifacts: { foo } }));
      await wf.submit();
      expect(await wf.wait()).toBe("Succeeded");
      const [dup] = await wf.queryStep({ name: "dup" });
      expect(dup!.outputs.parameters.msg!.value).toBe("xx");
      expect(readFileSync(path.join(dup!.outputs.artifacts.bar!.path, "bar.txt"), "utf8")).toBe("uploaded content\n");
      // downloadArtifact takes a queried step's artifact and gives back its shape.
      const got = await downloadArtifact(dup!.outputs.artifacts.bar!, { path: "out" });
      expect(got).toBe(path.join(work, "out", "bar.txt"));
      expect(readFileSync(got as string, "utf8")).toBe("uploaded content\n");
      // The manifest names it by key in the artifact repository, as Argo would read it.
      const m = wf.compile({ bundle: "omit" });
      expect(m.spec.templates![0]!.steps![0]![0]!.arguments!.artifacts![0]).toEqual({ name: "foo", s3: { key: foo.key } });
      // A list artifact must not wire into a single-path input (type-checked), and a missing key fails the step clearly.
      const files = await uploadArtifact(["data/foo.txt"]);
      // @ts-expect-error a list of paths into Artifact.path()
      new Step({ name: "bad", template: duplicate, parameters: { msg: "x", num: 1 }, artifacts: { foo: files } });
      void makeFiles;
    } finally {
      process.chdir(prev);
    }
  });
});

describe("repository locators", () => {
  it("downloads an s3:// locator with or without a bucket (Argo records s3:///<key> when the bucket is unknown)", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "dflow-loc-"));
    const prev = process.cwd();
    process.chdir(work);
    try {
      writeFileSync("foo.txt", "by locator\n");
      const up = await uploadArtifact("foo.txt");
      for (const loc of [`s3://bucket/${up.key}`, `s3:///${up.key}`]) {
        const got = await downloadArtifact({ name: "foo", path: loc }, { path: `dl-${loc.length}` });
        expect(readFileSync(got as string, "utf8")).toBe("by locator\n");
      }
    } finally {
      process.chdir(prev);
    }
  });
});

describe("a local run that keeps its artifacts in the repository", () => {
  it("stores step outputs there, names them by locator, and downloads them back", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "dflow-repo-"));
    const prev = process.cwd();
    process.chdir(work);
    try {
      writeFileSync("foo.txt", "via the repository\n");
      const foo = await uploadArtifact("foo.txt");
      const wf = new Workflow({ name: "repo" });
      const a = new Step({ name: "a", template: duplicate, parameters: { msg: "x", num: 1 }, artifacts: { foo } });
      const b = new Step({ name: "b", template: duplicate, parameters: { msg: "y", num: 1 }, artifacts: { foo: a.outputs.artifacts.bar } });
      wf.add(a);
      wf.add(b);
      await wf.submit({ artifacts: "repository" });
      expect(await wf.wait()).toBe("Succeeded");
      const [sb] = await wf.queryStep({ name: "b" });
      const loc = sb!.outputs.artifacts.bar!.path;
      expect(loc).toMatch(new RegExp(`^s3://[^/]+/(.*/)?${wf.id}/.+/outputs/artifacts/bar\\.tgz$`));
      const got = await downloadArtifact(sb!.outputs.artifacts.bar!, { path: "out" });
      expect(readFileSync(got as string, "utf8")).toBe("via the repository\n");
    } finally {
      process.chdir(prev);
    }
  });
});
