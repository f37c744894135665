// Bundles that compile() shipped as artifacts (src/compile/bundle-artifact.ts) must be in the
// artifact repository before Argo runs the workflow: submitting puts them there. Their keys are
// content-addressed, so a key already there holds the same bundle and is left alone.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ANNOTATION, bundleArtifactHash, bundleKey } from "../argo/dflow-conventions.ts";
import type { Workflow as ArgoWorkflow } from "../argo/manifest.ts";
import { inlineBundleLimit, shippedBundleSource } from "../compile/bundle-artifact.ts";
import { artifactKind, saveArtifact, type StorageClient } from "../storage/index.ts";
import { DflowError } from "./errors.ts";

export interface ShippedBundleRef {
  hash: string;
  /** Its key in the artifact repository. */
  key: string;
  opName: string;
  /** The templates that run it (an OP's own and its executor or timeout variants). */
  templates: string[];
}

/** The bundles a manifest ships as artifacts, one per key, in template order. */
export function shippedBundles(manifest: ArgoWorkflow): ShippedBundleRef[] {
  const byKey = new Map<string, ShippedBundleRef>();
  for (const t of manifest.spec.templates ?? []) {
    for (const a of t.inputs?.artifacts ?? []) {
      const hash = bundleArtifactHash(a);
      if (!hash) continue;
      const key = a.s3?.key ?? bundleKey(hash);
      const ref = byKey.get(key);
      if (ref) ref.templates.push(t.name);
      else byKey.set(key, { hash, key, opName: t.metadata?.annotations?.[ANNOTATION.opName] ?? t.name, templates: [t.name] });
    }
  }
  return [...byKey.values()];
}

export interface BundleUpload {
  key: string;
  /** False when the repository already held it. */
  uploaded: boolean;
}

/**
 * Puts the bundles `manifest` ships as artifacts into `repository`, unarchived, skipping keys it
 * already holds. Bundles compiled in this process without a repository to put them in are one
 * error; those compiled elsewhere (a YAML manifest) must already be in the repository when there
 * is one, and are left to Argo when there is none.
 */
export async function uploadBundles(manifest: ArgoWorkflow, repository: StorageClient | undefined): Promise<BundleUpload[]> {
  const refs = shippedBundles(manifest);
  if (!repository) {
    const ours = refs.filter((r) => shippedBundleSource(r.hash));
    if (ours.length) throw noRepository(ours);
    return [];
  }
  const done: BundleUpload[] = [];
  for (const r of refs) {
    if ((await artifactKind(repository, r.key)) === "object") {
      done.push({ key: r.key, uploaded: false });
      continue;
    }
    const known = shippedBundleSource(r.hash);
    if (!known) {
      throw new DflowError(
        `template "${r.templates[0]}" (OP "${r.opName}") runs the bundle ${r.key}, which is not in the artifact repository, and this process did not compile it: ` +
          "submit the workflow's module (.ts), which compiles and uploads its bundles, or upload them with `dflow compile --upload-bundles`",
        r.opName,
        "bundle-missing",
      );
    }
    await uploadText(repository, r.key, known.source);
    done.push({ key: r.key, uploaded: true });
  }
  return done;
}

async function uploadText(repository: StorageClient, key: string, text: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "dflow-bundle-"));
  try {
    const file = path.join(dir, path.posix.basename(key));
    await writeFile(file, text);
    await saveArtifact(repository, file, key, { archive: null });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function noRepository(refs: ShippedBundleRef[]): DflowError {
  const limit = inlineBundleLimit();
  const what = refs.map((r) => {
    const bytes = Buffer.byteLength(shippedBundleSource(r.hash)!.source);
    return `OP "${r.opName}": its bundle is ${kib(bytes)}, above the inline limit of ${kib(limit)}, so it ships as the artifact ${r.key}`;
  });
  return new DflowError(
    `${what.join("; ")}; but no artifact repository is configured to upload it to. ` +
      "Configure s3Config (DFLOW_S3_ENDPOINT, DFLOW_S3_BUCKET, DFLOW_S3_ACCESS_KEY, DFLOW_S3_SECRET_KEY: the bucket of Argo's default artifact repository) or s3Config.storageClient, " +
      "or raise the limit above the bundle's size (config.inlineBundleLimit or DFLOW_INLINE_BUNDLE_LIMIT, in bytes).",
    refs[0]!.opName,
    "bundle-repository",
  );
}
