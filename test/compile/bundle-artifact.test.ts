// Function-OP bundles above the inline limit leave the manifest: an input artifact (dflow_bundle,
// s3 key dflow-bundles/<hash>.cjs, a plain file) and a loader as the script source. The manifest
// must stay valid for Argo, and the loader must behave in a pod exactly as the bundle would.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Artifact, config, defineOp, OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import type { Template, Workflow as Manifest } from "../../src/argo/manifest.ts";
import { ANNOTATION, BUNDLE_ARTIFACT, bundleArtifactPath, bundleKey, bundleLoader, EXIT } from "../../src/argo/dflow-conventions.ts";
import { shippedBundleSource } from "../../src/compile/bundle-artifact.ts";
import { DEFAULT_INLINE_BUNDLE_LIMIT } from "../../src/api/config.ts";
import { argoErrors } from "../helpers/argo-schema.ts";
import { runLikePod } from "../helpers/pod.ts";
import { hasShared } from "../helpers/shared.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { flaky } from "../../examples/ops/math.ts";

const tpl = (m: Manifest, name: string): Template => m.spec.templates!.find((t) => t.name === name)!;
const sha16 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo hello > /tmp/out/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) } },
});

function twoOps(): Workflow {
  const wf = new Workflow({ name: "two-ops" });
  const make = new Step({ name: "make", template: makeFile });
  wf.add(make);
  wf.add(new Step({ name: "dup", template: duplicate, parameters: { msg: "hi", num: 2 }, artifacts: { foo: make.outputs.artifacts.foo } }));
  wf.add(new Step({ name: "flaky", template: flaky, parameters: { fail: "never" } }));
  return wf;
}

describe("function-OP bundles above the inline limit", () => {
  const saved = config.inlineBundleLimit;
  afterEach(() => {
    config.inlineBundleLimit = saved;
  });

  it("become an input artifact with a loader as source, and the manifest stays valid for Argo", () => {
    const m = twoOps().compile({ inlineBundleLimit: 1024 });
    const t = tpl(m, "duplicate");
    const hash = t.metadata!.annotations![ANNOTATION.bundleHash]!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(t.inputs!.artifacts).toEqual([
      { name: "foo", path: "/tmp/inputs/artifacts/foo" },
      { name: BUNDLE_ARTIFACT, path: `/tmp/dflow/bundle-${hash}.cjs`, s3: { key: `dflow-bundles/${hash}.cjs` }, archive: { none: {} } },
    ]);
    expect(t.script!.source).toBe(bundleLoader(hash));
    expect(t.script!.source.length).toBeLessThan(1024);
    // The annotation still names the bundle's own content, which this process keeps for upload.
    const { source, opName } = shippedBundleSource(hash)!;
    expect(opName).toBe("duplicate");
    expect(sha16(source)).toBe(hash);
    expect(JSON.stringify(m).length).toBeLessThan(10_000);
    if (hasShared) expect(argoErrors(m)).toBe("");
  });

  it("stay inline up to the limit; config.inlineBundleLimit (64 KiB) is the default", () => {
    const inline = twoOps().compile({ inlineBundleLimit: Infinity });
    const source = tpl(inline, "duplicate").script!.source;
    const size = Buffer.byteLength(source);
    expect(size).toBeGreaterThan(DEFAULT_INLINE_BUNDLE_LIMIT);
    expect(tpl(twoOps().compile({ inlineBundleLimit: size }), "duplicate").script!.source).toBe(source);
    expect(tpl(twoOps().compile({ inlineBundleLimit: size - 1 }), "duplicate").script!.source).toMatch(/^\/\/ dflow-ts: runs the OP's bundle/);
    expect(tpl(twoOps().compile(), "duplicate").inputs!.artifacts!.map((a) => a.name)).toEqual(["foo", BUNDLE_ARTIFACT]);
    config.inlineBundleLimit = size;
    expect(tpl(twoOps().compile(), "duplicate").inputs!.artifacts!.map((a) => a.name)).toEqual(["foo"]);
    expect(tpl(twoOps().compile({ bundle: "omit", inlineBundleLimit: 0 }), "duplicate").script!.source).toMatch(/\(omitted\)$/);
  });

  it("rejects a bad limit and an OP input artifact named dflow_bundle", () => {
    expect(() => twoOps().compile({ inlineBundleLimit: -1 })).toThrow(/inline bundle limit must be a number of bytes >= 0 .*got -1/);
    config.inlineBundleLimit = Number.NaN;
    expect(() => twoOps().compile()).toThrow(/inline bundle limit must be a number of bytes/);
    expect(() =>
      defineOp({ name: "clash", inputs: { [BUNDLE_ARTIFACT]: Artifact.path() }, outputs: {}, run: () => ({}) }),
    ).toThrow(/input artifact name "dflow_bundle" is reserved for the OP's bundle/);
    // An output artifact of that name is another namespace: allowed.
    expect(() => defineOp({ name: "fine", inputs: { n: z.number() }, outputs: { [BUNDLE_ARTIFACT]: Artifact.path() }, run: () => ({ dflow_bundle: "x" }) })).not.toThrow();
  });
});

// The compiled template run as a pod runs it: `node <source file>`, IO under DFLOW_IO_ROOT, the
// bundle placed where Argo puts the input artifact.
describe("a shipped bundle's loader run like a pod", () => {
  const m = twoOps().compile({ inlineBundleLimit: 0 });
  const bundleOf = (t: Template) => {
    const hash = t.metadata!.annotations![ANNOTATION.bundleHash]!;
    return { [bundleArtifactPath(hash)]: shippedBundleSource(hash)!.source };
  };

  it("runs the OP as the bundle itself would", () => {
    const t = tpl(m, "duplicate");
    const r = runLikePod(t, { msg: "ab", num: "3" }, { foo: "hello\n" }, bundleOf(t));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(r.root, "outputs/parameters/msg"), "utf8")).toBe("ababab");
    expect(readFileSync(path.join(r.root, "outputs/artifacts/bar/bar.txt"), "utf8")).toBe("hello\n");
  });

  it("keeps the runner's exit codes and signature checks", () => {
    const t = tpl(m, "flaky");
    const files = bundleOf(t);
    expect(runLikePod(t, { fail: "transient" }, {}, files).status).toBe(EXIT.transient);
    expect(runLikePod(t, { fail: "fatal" }, {}, files).status).toBe(EXIT.fatal);
    const bad = runLikePod(t, { fail: "sometimes" }, {}, files);
    expect(bad.status).toBe(EXIT.signature);
    expect(bad.stderr).toMatch(/OP "flaky" got bad inputs/);
  });

  it("says where the bundle should be when it is missing", () => {
    const t = tpl(m, "flaky");
    const hash = t.metadata!.annotations![ANNOTATION.bundleHash]!;
    const r = runLikePod(t, { fail: "never" });
    expect(r.status).toBe(EXIT.fatal);
    expect(r.stderr).toBe(`dflow-ts: the OP's bundle is missing at ${path.join(r.root, `dflow/bundle-${hash}.cjs`)} (input artifact dflow_bundle, ${bundleKey(hash)})\n`);
  });
});
