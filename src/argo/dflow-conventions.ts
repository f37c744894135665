// What dflow-ts carries inside an Argo manifest so that it survives the trip to a real cluster
// and so that the local engine (which only sees the manifest) can honour it.
import type { Artifact, Template } from "./manifest.ts";

/** Annotation keys put on templates' `metadata.annotations`. */
export const ANNOTATION = {
  /** "function" (a bundled TypeScript OP), "shell", "python", "script", "steps", "dag". */
  opKind: "dflow-ts/op-kind",
  /** The OP's own name (templates may be renamed to stay unique). */
  opName: "dflow-ts/op-name",
  /** sha256 (hex, 16 chars) of the bundled function-OP source: cache key for warm workers. */
  bundleHash: "dflow-ts/bundle-hash",
  /** JSON: the OP's signature summary (parameter/artifact names and kinds), for UIs and reuse. */
  signature: "dflow-ts/signature",
  /** JSON: slices configuration of a function OP (see Slices). */
  slices: "dflow-ts/slices",
} as const;

/**
 * A step's key travels as an ordinary input parameter, so Argo renders references in it and
 * it shows up in the node's inputs (dflow does the same).
 */
export const KEY_PARAMETER = "dflow_key";

/**
 * Sliced loops (see src/compile/slices-init.ts). A step before the loop ("<step>-init-slices")
 * names the key prefix under which the loop's children stack their sliced output artifacts
 * (STACK_KEY_PARAMETER, passed to each child), and lists the elements of sliced input artifacts
 * (SLICES_PATH_PARAMETER: the loop's items, `{ order, <artifact>: <path inside it> }`).
 */
/** The input parameter through which a sliced template learns its slice index. */
export const SLICE_PARAMETER = "dflow_slice";
export const STACK_KEY_PARAMETER = "dflow_artifact_key";
export const SLICES_PATH_PARAMETER = "dflow_slices_path";
export const sliceInitStepName = (step: string) => `${step}-init-slices`;

/** Where a function OP reads inputs and writes outputs inside a pod (dflow's layout). */
export const IO_ROOT = "/tmp";
export const inputArtifactPath = (name: string) => `${IO_ROOT}/inputs/artifacts/${name}`;
export const outputParameterPath = (name: string) => `${IO_ROOT}/outputs/parameters/${name}`;
export const outputArtifactPath = (name: string) => `${IO_ROOT}/outputs/artifacts/${name}`;

/**
 * Environment of a function-OP script. Input parameter i (in signature order) arrives as
 * `DFLOW_INPUT_<i>` (Argo substitutes `{{inputs.parameters.x}}` into env values with proper
 * escaping, and env values are never parsed by a shell). The runner resolves all paths above
 * under `DFLOW_IO_ROOT` when set (the local engine points it at the step's own directory).
 */
export const ENV = {
  inputPrefix: "DFLOW_INPUT_",
  ioRoot: "DFLOW_IO_ROOT",
  /** Set in the runner: top-level `Workflow.submit()` while loading an OP module is an error. */
  inRunner: "DFLOW_IN_OP_RUNNER",
  /** Argo's self-reported progress file: the runner writes "current/total" to it. */
  progressFile: "ARGO_PROGRESS_FILE",
} as const;

/** Exit codes of the function-OP runner, so that retryStrategy.expression can tell them apart. */
export const EXIT = {
  fatal: 1,
  transient: 3,
  /** Inputs or outputs did not match the OP's signature. */
  signature: 4,
} as const;

/**
 * A file a step may leave in its working directory to survive a resume of the run: the dispatcher
 * executor keeps its remote job id there, so the re-run step re-attaches to the job instead of
 * submitting a second one. Everything else an interrupted attempt left is removed.
 */
export const RESUME_STATE_FILE = ".dflow-dispatch.json";

/** Default image for function OPs in a cluster (any image with node >= 20). */
export const DEFAULT_NODE_IMAGE = "node:20-slim";
export const DEFAULT_SHELL_IMAGE = "alpine:3.20";
export const DEFAULT_PYTHON_IMAGE = "python:3.12-slim";

/**
 * Workflow annotation listing steps reused from earlier runs (`submit({ reuseStep })`): a JSON list
 * of ReusedStep. The local engine skips a node whose `dflow_key` matches and gives it these outputs.
 */
export const REUSE_ANNOTATION = "dflow-ts/reuse";

export interface ReusedStep {
  key: string;
  /** Where it came from, for the record. */
  from?: string;
  parameters: Record<string, string>;
  /** Artifact name → local path. */
  artifacts: Record<string, string>;
}

/**
 * A function OP whose bundle is above the inline limit ships it as an input artifact instead of in
 * `script.source`: the object `dflow-bundles/<hash>.cjs` of the artifact repository (content-
 * addressed, a plain file), placed at `/tmp/dflow/bundle-<hash>.cjs`; the source is then a loader
 * that runs it (the path under DFLOW_IO_ROOT when set, like every IO path of a function OP).
 */
export const BUNDLE_ARTIFACT = "dflow_bundle";
export const bundleKey = (hash: string) => `dflow-bundles/${hash}.cjs`;
export const bundleArtifactPath = (hash: string) => `${IO_ROOT}/dflow/bundle-${hash}.cjs`;
const BUNDLE_HASH = /^[0-9a-f]{16}$/;

/** The script source of a function OP whose bundle arrives as BUNDLE_ARTIFACT. */
export function bundleLoader(hash: string): string {
  const below = bundleArtifactPath(hash).slice(IO_ROOT.length + 1);
  return [
    `// dflow-ts: runs the OP's bundle, input artifact ${BUNDLE_ARTIFACT} (${bundleKey(hash)} in the artifact repository).`,
    `"use strict";`,
    `const file = require("path").join(process.env.${ENV.ioRoot} || ${JSON.stringify(IO_ROOT)}, ${JSON.stringify(below)});`,
    `if (!require("fs").existsSync(file)) {`,
    `  process.stderr.write("dflow-ts: the OP's bundle is missing at " + file + " (input artifact ${BUNDLE_ARTIFACT}, ${bundleKey(hash)})\\n");`,
    `  process.exit(${EXIT.fatal});`,
    `}`,
    `require(file).main();`,
    ``,
  ].join("\n");
}

/** The hash of the bundle an input artifact carries, when it is a BUNDLE_ARTIFACT at its path. */
export function bundleArtifactHash(a: Artifact): string | undefined {
  if (a.name !== BUNDLE_ARTIFACT || !a.path) return undefined;
  const hash = a.path.slice(a.path.lastIndexOf("-") + 1, -".cjs".length);
  return BUNDLE_HASH.test(hash) && a.path === bundleArtifactPath(hash) ? hash : undefined;
}

/**
 * The bundle a function-OP template runs from BUNDLE_ARTIFACT, if it does: its source is the loader
 * of the bundle its annotation names, and it declares that bundle's artifact. (A template an
 * executor rendered may carry the artifact for a job while its own source is something else.)
 */
export function shippedBundle(t: Template): { hash: string; artifact: Artifact } | undefined {
  const annotations = t.metadata?.annotations ?? {};
  const hash = annotations[ANNOTATION.bundleHash];
  if (annotations[ANNOTATION.opKind] !== "function" || !hash || t.script?.source !== bundleLoader(hash)) return undefined;
  const artifact = t.inputs?.artifacts?.find((a) => bundleArtifactHash(a) === hash);
  return artifact ? { hash, artifact } : undefined;
}
