// Function-OP bundles shipped as artifacts, in every kind of repository: the local store always,
// S3 (radosgw) when it answers. Uploaded once (content-addressed keys), read back by the engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { ANNOTATION, bundleKey } from "../../src/argo/dflow-conventions.ts";
import { uploadBundles } from "../../src/api/bundle-upload.ts";
import { shippedBundleSource } from "../../src/compile/bundle-artifact.ts";
import { startWorkflow } from "../../src/engine/index.ts";
import { LocalStorageClient, loadArtifact, type StorageClient } from "../../src/storage/index.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { newS3Client, s3Available, s3Required, s3SkipReason, tempDir } from "./helpers.ts";

const clients: Array<[string, () => StorageClient]> = [["LocalStorageClient", () => new LocalStorageClient(tempDir("bundles"))]];
if (s3Available || s3Required) clients.push(["S3StorageClient (radosgw)", () => newS3Client()]);
else console.warn(`[bundle upload] S3StorageClient skipped: ${s3SkipReason}`);

const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo hello > /tmp/out/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) } },
});

describe.each(clients)("bundles as artifacts in %s", (_name, make) => {
  it("are uploaded once, as plain files, and run from there", async () => {
    const wf = new Workflow({ name: "bundle-store" });
    const s0 = new Step({ name: "make", template: makeFile });
    wf.add(s0);
    wf.add(new Step({ name: "dup", template: duplicate, parameters: { msg: "ab", num: 2 }, artifacts: { foo: s0.outputs.artifacts.foo } }));
    const m = wf.compile({ inlineBundleLimit: 0 });
    const hash = m.spec.templates!.find((t) => t.name === "duplicate")!.metadata!.annotations![ANNOTATION.bundleHash]!;
    const repository = make();
    expect(await uploadBundles(m, repository)).toEqual([{ key: bundleKey(hash), uploaded: true }]);
    expect(await uploadBundles(m, repository)).toEqual([{ key: bundleKey(hash), uploaded: false }]);
    const back = join(tempDir("bundles-back"), "bundle.cjs");
    await loadArtifact(repository, bundleKey(hash), back);
    expect(readFileSync(back, "utf8")).toBe(shippedBundleSource(hash)!.source);
    const r = await startWorkflow(m, { root: tempDir("bundles-run"), repository }).done;
    expect(r.phase).toBe("Succeeded");
    expect(r.record.steps.find((s) => s.name === "dup")!.outputs.parameters.msg).toBe("abab");
  }, 60_000);
});
