// Workflow in argo mode against the swagger CONTRACT STUB (test/helpers/argo-stub.ts), not a live
// Argo: the stub checks every request against argo-server's swagger.json and replays statuses.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { config, LocalStorageClient, s3Config, Workflow } from "../../src/index.ts";
import { ANNOTATION, BUNDLE_ARTIFACT, bundleKey, bundleLoader } from "../../src/argo/dflow-conventions.ts";
import { shippedBundleSource } from "../../src/compile/bundle-artifact.ts";
import type { TransferOptions } from "../../src/storage/index.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

/** A local-directory repository that notes, for each upload, how many workflows had been created. */
class RecordingRepository extends LocalStorageClient {
  readonly uploads: { key: string; createdBefore: number }[] = [];
  constructor(private readonly created: () => number) {
    super({ root: mkdtempSync(path.join(tmpdir(), "dflow-argo-repo-")) });
  }
  override upload(key: string, file: string, options?: TransferOptions): Promise<void> {
    this.uploads.push({ key, createdBefore: this.created() });
    return super.upload(key, file, options);
  }
}

describe.skipIf(!hasShared)("Workflow with config.mode = argo (contract stub, not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let argo: { server: string; token: string; secure: boolean };
  let repository: RecordingRepository;
  const saved = { storageClient: s3Config.storageClient, endpoint: s3Config.endpoint };
  const creates = () => stub.requests.filter((r) => r.method === "POST" && /^\/api\/v1\/workflows\/[^/]+$/.test(r.path)).length;

  beforeAll(async () => {
    stub = await startArgoStub();
    argo = { server: stub.server, token: stub.token, secure: false };
    // Argo's default artifact repository, as this process sees it (s3Config).
    repository = new RecordingRepository(creates);
    s3Config.storageClient = repository;
    stub.script((wf) => {
      const name = wf.metadata.name!;
      const t = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const s1 = `${name}-1`;
      const nodes = {
        [name]: { id: name, name, displayName: name, type: "Steps" as const, templateName: "hello", phase: "Succeeded" as const, startedAt: t, finishedAt: t, children: [s1] },
        [s1]: {
          id: s1,
          name: `${name}[1].s1`,
          displayName: "s1",
          type: "Pod" as const,
          templateName: "duplicate",
          phase: "Succeeded" as const,
          startedAt: t,
          finishedAt: t,
          boundaryID: name,
          inputs: { parameters: [{ name: "msg", value: "hi" }, { name: "num", value: "2" }] },
          outputs: { parameters: [{ name: "msg", value: "hihi" }] },
        },
      };
      return [{ phase: "Running", startedAt: t }, { phase: "Succeeded", startedAt: t, finishedAt: t, nodes }];
    });
  });
  afterAll(async () => {
    Object.assign(s3Config, saved);
    await stub.close();
  });
  afterEach(() => expect(stub.violations).toEqual([]));

  it("submits the compiled manifest, waits, and queries steps like a local run", async () => {
    const wf = (await import("../../examples/hello.ts")).default;
    await wf.submit({ mode: "argo", argo });
    expect(wf.id).toMatch(/^hello-[a-z0-9]{5}$/);
    const sent = stub.workflows().find((w) => w.metadata.name === wf.id)!;
    // The bundle (above the 64 KiB default limit) went to the repository before the workflow was created.
    const dup = sent.spec.templates!.find((t) => t.name === "duplicate")!;
    const hash = dup.metadata!.annotations![ANNOTATION.bundleHash]!;
    expect(dup.script!.source).toBe(bundleLoader(hash));
    expect(dup.inputs!.artifacts!.find((a) => a.name === BUNDLE_ARTIFACT)!.s3).toEqual({ key: bundleKey(hash) });
    expect(repository.uploads.filter((u) => u.key === bundleKey(hash))).toEqual([{ key: bundleKey(hash), createdBefore: creates() - 1 }]);
    expect(readFileSync(repository.pathOf(bundleKey(hash)), "utf8")).toBe(shippedBundleSource(hash)!.source);
    expect(await wf.wait()).toBe("Succeeded");
    const [s1] = await wf.queryStep({ name: "s1" });
    expect(s1!.outputs.parameters.msg!.value).toBe("hihi");
    const again = new Workflow({ id: wf.id!, mode: "argo", argo });
    expect(await again.queryStatus()).toBe("Succeeded");
    // Terminate goes to the server, which refuses it for a finished workflow (as Argo does).
    await expect(again.terminate()).rejects.toThrow(/400.*cannot shutdown a completed workflow/);
    expect(stub.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/${wf.id}/terminate`))).toBe(true);
  });

  it("does not upload a bundle the repository already holds", async () => {
    const before = repository.uploads.length;
    const wf = (await import("../../examples/hello.ts")).default;
    await wf.submit({ mode: "argo", argo });
    await wf.submit({ mode: "argo", argo });
    expect(repository.uploads.slice(before)).toEqual([]);
    expect(stub.workflows().filter((w) => w.metadata.name === wf.id)).toHaveLength(1);
  });

  it("refuses, in one clear error, a large bundle with no repository to put it in", async () => {
    s3Config.storageClient = undefined;
    s3Config.endpoint = undefined;
    try {
      const before = creates();
      const wf = (await import("../../examples/hello.ts")).default;
      const err = await wf.submit({ mode: "argo", argo }).then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(
        /^OP "duplicate": its bundle is \d+\.\d KiB, above the inline limit of 64\.0 KiB, so it ships as the artifact dflow-bundles\/[0-9a-f]{16}\.cjs; but no artifact repository is configured to upload it to\. Configure s3Config \(DFLOW_S3_ENDPOINT.*or raise the limit above the bundle's size \(config\.inlineBundleLimit or DFLOW_INLINE_BUNDLE_LIMIT, in bytes\)\.$/,
      );
      expect(creates()).toBe(before);
      // Raising the limit keeps the bundle inline: no repository needed.
      const limit = config.inlineBundleLimit;
      config.inlineBundleLimit = Infinity;
      try {
        await wf.submit({ mode: "argo", argo });
      } finally {
        config.inlineBundleLimit = limit;
      }
      const sent = stub.workflows().find((w) => w.metadata.name === wf.id)!;
      expect(decodeArgoSafeNodeScript(sent.spec.templates!.find((t) => t.name === "duplicate")!.script!.source)).toContain("runOp");
    } finally {
      s3Config.storageClient = repository;
      s3Config.endpoint = saved.endpoint;
    }
  });

  it("reports a wrong token with the server's status and a hint", async () => {
    const wf = new Workflow({ id: "hello-abcde", mode: "argo", argo: { ...argo, token: "wrong" } });
    await expect(wf.queryStatus()).rejects.toThrow(/401[\s\S]*ARGO_TOKEN/);
  });
});
