// The local engine runs a manifest compiled for Argo, whose function OPs ship their bundles as
// input artifacts of the artifact repository: each bundle is fetched once per run, checked against
// its hash, and required by the warm workers like an inline one.
import { existsSync, readFileSync, readlinkSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalStorageClient, OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { ANNOTATION, BUNDLE_ARTIFACT, bundleKey } from "../../src/argo/dflow-conventions.ts";
import type { Workflow as Manifest } from "../../src/argo/manifest.ts";
import { uploadBundles } from "../../src/api/bundle-upload.ts";
import { shippedBundleSource } from "../../src/compile/bundle-artifact.ts";
import { startWorkflow, type RunResult } from "../../src/engine/index.ts";
import type { TransferOptions } from "../../src/storage/index.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { flaky } from "../../examples/ops/math.ts";
import { tempRoot } from "./helpers.ts";

/** The local store, noting which keys it served. */
class CountingStore extends LocalStorageClient {
  readonly downloads: string[] = [];
  override download(key: string, path: string, options?: TransferOptions): Promise<void> {
    this.downloads.push(key);
    return super.download(key, path, options);
  }
}

const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo hello > /tmp/out/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) } },
});

function compiled(): Manifest {
  const wf = new Workflow({ name: "shipped" });
  const make = new Step({ name: "make", template: makeFile });
  wf.add(make);
  const dup = new Step({ name: "dup", template: duplicate, parameters: { msg: "hi", num: 2 }, artifacts: { foo: make.outputs.artifacts.foo } });
  wf.add([dup, new Step({ name: "many", template: flaky, parameters: { fail: "never" }, withItems: [1, 2, 3] })]);
  return wf.compile({ inlineBundleLimit: 0 });
}

const hashOf = (m: Manifest, template: string) => m.spec.templates!.find((t) => t.name === template)!.metadata!.annotations![ANNOTATION.bundleHash]!;
const run = (m: Manifest, repository: LocalStorageClient): Promise<RunResult> => startWorkflow(m, { root: tempRoot(), parallelism: 2, repository }).done;

describe("function OPs whose bundles ship as artifacts, on the local engine", () => {
  it("run from the repository's bundles, each fetched once per run", async () => {
    const m = compiled();
    const repo = new CountingStore({ root: tempRoot() });
    expect(await uploadBundles(m, repo)).toEqual([
      { key: bundleKey(hashOf(m, "duplicate")), uploaded: true },
      { key: bundleKey(hashOf(m, "flaky")), uploaded: true },
    ]);
    const r = await run(m, repo);
    expect(r.phase).toBe("Succeeded");
    const dup = r.record.steps.find((s) => s.name === "dup")!;
    expect(dup.outputs.parameters.msg).toBe("hihi");
    expect(readFileSync(join(dup.outputs.artifacts.bar!, "bar.txt"), "utf8")).toBe("hello\n");
    expect(r.record.steps.filter((s) => s.name.startsWith("many(") && s.phase === "Succeeded")).toHaveLength(3);
    // Four steps ran the two bundles: each was downloaded once, kept by hash, and never staged as a step input.
    expect(repo.downloads.filter((k) => k.startsWith("dflow-bundles/")).sort()).toEqual([bundleKey(hashOf(m, "duplicate")), bundleKey(hashOf(m, "flaky"))].sort());
    for (const template of ["duplicate", "flaky"]) {
      const hash = hashOf(m, template);
      expect(readFileSync(join(r.dir, ".bundles", `${hash}.cjs`), "utf8")).toBe(shippedBundleSource(hash)!.source);
    }
    expect(readlinkSync(join(dup.dir!, "script"))).toBe(`../.bundles/${hashOf(m, "duplicate")}.cjs`);
    expect(Object.keys(dup.inputs.artifacts)).toEqual(["foo"]);
    expect(existsSync(join(dup.dir!, "dflow"))).toBe(false);
    expect(readdirSync(join(r.dir, ".bundles")).sort()).toEqual([`${hashOf(m, "duplicate")}.cjs`, `${hashOf(m, "flaky")}.cjs`].sort());
  });

  it("fail the step, naming the artifact, when the bundle is missing or is not the one its hash names", async () => {
    const m = compiled();
    const repo = new CountingStore({ root: tempRoot() });
    const missing = await run(m, repo);
    expect(missing.phase).toBe("Failed");
    const noBundle = missing.record.steps.find((s) => s.name === "dup")!;
    expect(noBundle.message).toMatch(new RegExp(`templates\\.duplicate\\.inputs\\.artifacts\\.${BUNDLE_ARTIFACT}: cannot load the OP's bundle: no object "${bundleKey(hashOf(m, "duplicate"))}".*dflow compile --upload-bundles`));

    await uploadBundles(m, repo);
    writeFileSync(repo.pathOf(bundleKey(hashOf(m, "flaky"))), "exports.main = () => {};\n");
    const tampered = await run(m, repo);
    expect(tampered.phase).toBe("Failed");
    const many = tampered.record.steps.filter((s) => s.name.startsWith("many("));
    expect(many.length).toBeGreaterThan(0);
    for (const s of many) expect(s.message).toMatch(new RegExp(`the artifact's content has hash [0-9a-f]{16}, not the OP's bundle hash ${hashOf(m, "flaky")}`));
  });
});
