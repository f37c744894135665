// A function OP whose bundle ships as an artifact, sent to a cluster by the DispatcherExecutor: the
// job carries the loader as the OP's source and the bundle as one more input artifact, which the
// client uploads with the others; on the cluster `node script` runs the loader, which runs the bundle.
import { afterAll, describe, expect, it } from "vitest";
import { LocalStorageClient, OutputArtifact, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { BUNDLE_ARTIFACT, bundleArtifactHash, bundleKey, bundleLoader, shippedBundle } from "../../src/argo/dflow-conventions.ts";
import type { Template, Workflow as Manifest } from "../../src/argo/manifest.ts";
import { shippedBundles, uploadBundles } from "../../src/api/bundle-upload.ts";
import { startWorkflow } from "../../src/engine/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import type { JobSpec } from "../../src/executors/job-spec.ts";
import { duplicate } from "../../examples/ops/duplicate.ts";
import { executor, skip, tempRoot } from "./services.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

afterAll(() => closeAll());

const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo hello > /tmp/out/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) } },
});

function compiled(): { manifest: Manifest; dispatched: Template } {
  const wf = new Workflow({ name: "exec-bundle" });
  const make = new Step({ name: "make", template: makeFile });
  wf.add(make);
  wf.add(new Step({ name: "dup", template: duplicate, parameters: { msg: "hi", num: 2 }, artifacts: { foo: make.outputs.artifacts.foo }, executor: executor({ scheduler: "shell" }) }));
  const manifest = wf.compile({ inlineBundleLimit: 0 });
  return { manifest, dispatched: manifest.spec.templates!.find((t) => t.metadata?.annotations?.["dflow-ts/executor"])! };
}

describe("a dispatched function OP with its bundle as an artifact", () => {
  it("sends the loader in the job spec and the bundle as an input artifact of the job", () => {
    const { manifest, dispatched } = compiled();
    const artifact = dispatched.inputs!.artifacts!.find((a) => a.name === BUNDLE_ARTIFACT)!;
    const hash = bundleArtifactHash(artifact)!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const spec = JSON.parse(/^var __dflow_dispatch_spec=(.*);$/m.exec(decodeArgoSafeNodeScript(dispatched.script!.source)!)![1]!) as JobSpec;
    expect(spec.template.functionSource).toBe(bundleLoader(hash));
    expect(spec.template.inputArtifacts).toContainEqual({ name: BUNDLE_ARTIFACT, path: artifact.path, optional: false });
    // The engine stages it for the client like any input; submit uploads it like the OP's own.
    expect(shippedBundle(dispatched)).toBeUndefined();
    expect(shippedBundles(manifest).map((b) => b.key)).toEqual([bundleKey(hash)]);
  });

  it.skipIf(skip.ssh())("runs on the remote host", async () => {
    const { manifest } = compiled();
    const repository = new LocalStorageClient({ root: tempRoot() });
    await uploadBundles(manifest, repository);
    const r = await startWorkflow(manifest, { root: tempRoot(), repository }).done;
    const dup = r.record.steps.find((s) => s.name === "dup")!;
    expect(r.phase, dup.message).toBe("Succeeded");
    expect(dup.outputs.parameters.msg).toBe("hihi");
    expect(Object.keys(dup.inputs.artifacts).sort()).toEqual([BUNDLE_ARTIFACT, "foo"]);
  }, 60_000);
});
