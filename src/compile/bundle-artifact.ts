// Function-OP bundles above the inline limit leave the manifest: each becomes an input artifact
// (dflow-conventions.ts: BUNDLE_ARTIFACT) and the script source a loader for it. Argo keeps a
// workflow in one object of at most ~1 MiB, and a bundle with zod is ~220 KiB.
import { createHash } from "node:crypto";
import { ValidationError } from "../api/errors.ts";
import { config } from "../api/config.ts";
import type { Template } from "../argo/manifest.ts";
import { argoSafeNodeScript } from "./node-source.ts";
import { ANNOTATION, BUNDLE_ARTIFACT, bundleArtifactPath, bundleKey, bundleLoader, shippedBundle } from "../argo/dflow-conventions.ts";

export interface ShippedBundleSource {
  source: string;
  /** The OP's name, for messages. */
  opName: string;
}

// What compile() moved out of manifests in this process, by hash: submit() uploads it from here.
const shipped = new Map<string, ShippedBundleSource>();

/** The bundle with this hash that a compile in this process shipped as an artifact. */
export function shippedBundleSource(hash: string): ShippedBundleSource | undefined {
  return shipped.get(hash);
}

/** The limit in effect: the option, else config.inlineBundleLimit (DFLOW_INLINE_BUNDLE_LIMIT). */
export function inlineBundleLimit(option?: number): number {
  const limit = option ?? config.inlineBundleLimit;
  if (typeof limit === "number" && limit >= 0) return limit;
  const env = process.env.DFLOW_INLINE_BUNDLE_LIMIT;
  const shown = option === undefined && env !== undefined ? `DFLOW_INLINE_BUNDLE_LIMIT=${JSON.stringify(env)}` : String(limit);
  throw new ValidationError(`the inline bundle limit must be a number of bytes >= 0 (or Infinity), got ${shown}`, "inlineBundleLimit", "inline-bundle-limit");
}

/**
 * The template with its bundle shipped as an artifact when it is a function OP whose source is its
 * bundle (the annotated hash) and larger than `limit` bytes; otherwise the template as it is.
 */
export function shipLargeBundle(t: Template, limit: number): Template {
  const annotations = t.metadata?.annotations ?? {};
  const hash = annotations[ANNOTATION.bundleHash];
  const source = t.script?.source;
  if (annotations[ANNOTATION.opKind] !== "function" || !hash || source === undefined) return t;
  if (createHash("sha256").update(source).digest("hex").slice(0, 16) !== hash) return t;
  const opName = annotations[ANNOTATION.opName] ?? t.name;
  // Inline, the bundle travels encoded (no "{{" for Argo to check); the limit is on what the manifest holds.
  const inline = argoSafeNodeScript(source, `the bundle of OP "${opName}" (sha256 ${hash})`);
  if (Buffer.byteLength(inline) <= limit) return { ...t, script: { ...t.script!, source: inline } };
  if (t.inputs?.artifacts?.some((a) => a.name === BUNDLE_ARTIFACT)) {
    throw new ValidationError(`OP "${opName}": the input artifact name "${BUNDLE_ARTIFACT}" is reserved for the OP's bundle; rename the artifact`, opName, "artifact-name");
  }
  shipped.set(hash, { source, opName });
  return {
    ...t,
    inputs: {
      ...t.inputs,
      artifacts: [...(t.inputs?.artifacts ?? []), { name: BUNDLE_ARTIFACT, path: bundleArtifactPath(hash), s3: { key: bundleKey(hash) }, archive: { none: {} } }],
    },
    script: { ...t.script!, source: bundleLoader(hash) },
  };
}

/**
 * The template with its shipped bundle back inline, for a renderer that cannot pass artifacts on
 * (a Kubernetes resource such as SlurmJob takes the script text only); otherwise as it is.
 */
export function inlineShippedBundle(t: Template): Template {
  const shipped = shippedBundle(t);
  if (!shipped) return t;
  const known = shippedBundleSource(shipped.hash);
  if (!known) throw new ValidationError(`template "${t.name}": its bundle ${bundleKey(shipped.hash)} was not compiled in this process, so it cannot be put back inline`, t.name, "bundle-inline");
  const { inputs: { artifacts = [], ...otherInputs } = {}, ...rest } = t;
  const kept = artifacts.filter((a) => a !== shipped.artifact);
  const inputs = { ...otherInputs, ...(kept.length ? { artifacts: kept } : {}) };
  return { ...rest, ...(Object.keys(inputs).length ? { inputs } : {}), script: { ...t.script!, source: argoSafeNodeScript(known.source, `the bundle of OP "${known.opName}" (sha256 ${shipped.hash})`) } };
}
