import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { downloadArtifact, Step, uploadArtifact, Workflow } from "../../src/index.ts";
import { s3Config } from "../../src/storage/index.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { describeS3, newS3Client } from "./helpers.ts";
import { testS3Config } from "./s3-env.ts";

// s3Config.prefix is part of the keys dflow-ts makes, once: a key written into a manifest is where
// the object is from the bucket's root (where Argo reads it), and queried locators download back.
describeS3("s3Config.prefix on radosgw", () => {
  const prefix = `pfx-${randomUUID()}`;
  const saved = { ...s3Config };
  const rooted = newS3Client({ prefix }); // emptied after the file; lists what landed under the prefix
  const work = mkdtempSync(path.join(tmpdir(), "dflow-prefix-"));
  const prev = process.cwd();

  beforeAll(() => {
    Object.assign(s3Config, testS3Config(), { prefix });
    process.chdir(work);
  });
  afterAll(() => {
    process.chdir(prev);
    for (const k of Object.keys(s3Config)) delete (s3Config as unknown as Record<string, unknown>)[k];
    Object.assign(s3Config, saved);
  });

  it("uploadArtifact stores at <prefix>/upload/…, the key it names, and downloads it back", async () => {
    writeFileSync("foo.txt", "with a prefix\n");
    const up = await uploadArtifact("foo.txt");
    expect(up.key.startsWith(`${prefix}/upload/`)).toBe(true);
    const under = await rooted.list("", true);
    expect(under).toEqual([up.key.slice(prefix.length + 1)]); // once under the prefix, not <prefix>/<prefix>/…
    const got = await downloadArtifact(up, { path: "dl" });
    expect(readFileSync(got as string, "utf8")).toBe("with a prefix\n");
  });

  it("a run keeping its artifacts in the repository stores them under <prefix>/<workflow id>/ and downloads them by locator", async () => {
    writeFileSync("bar-in.txt", "run output\n");
    const foo = await uploadArtifact("bar-in.txt");
    const wf = new Workflow({ name: "prefixed" });
    wf.add(new Step({ name: "a", template: duplicate, parameters: { msg: "x", num: 1 }, artifacts: { foo } }));
    await wf.submit({ artifacts: "repository" });
    expect(await wf.wait()).toBe("Succeeded");
    const [a] = await wf.queryStep({ name: "a" });
    const loc = a!.outputs.artifacts.bar!.path;
    expect(loc).toMatch(new RegExp(`^s3://[^/]+/${prefix}/${wf.id}/.+/outputs/artifacts/bar\\.tgz$`));
    expect((await rooted.list(`${wf.id}/`, true)).length).toBeGreaterThan(0);
    const got = await downloadArtifact(a!.outputs.artifacts.bar!, { path: "out" });
    expect(readFileSync(got as string, "utf8")).toBe("run output\n");
  });
});
