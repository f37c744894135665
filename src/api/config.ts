/**
 * dflow's `config`: process-wide defaults read when a workflow is submitted (explicit options on
 * `submit()` win). Environment variables set the initial values, as dflow's DFLOW_* do.
 */
export interface Config {
  /** "local": the embedded engine (default); "argo": an Argo server. */
  mode: "local" | "argo";
  /** Where local runs are recorded. */
  root: string;
  /** Max concurrent steps of a local run (default: number of cores). */
  parallelism?: number;
  /** Default image for function OPs on Argo. */
  defaultImage?: string;
  /** Default archive mode of artifacts: "tar" (tar.gz) or null (none). */
  archiveMode: "tar" | null;
  /** Where local runs keep artifacts: in the record (default) or the artifact repository (s3Config). */
  artifacts: "record" | "repository";
  /** Local packages shipped into every script step (dflow's upload_packages). */
  uploadPackages: string[];
  /**
   * Bytes (DFLOW_INLINE_BUNDLE_LIMIT, default 64 KiB). A function-OP bundle larger than this
   * ships as an input artifact of the artifact repository (`dflow-bundles/<hash>.cjs`) instead of
   * inline in the manifest, which Argo keeps in one object of at most ~1 MiB. Local runs keep
   * every bundle inline.
   */
  inlineBundleLimit: number;
  /** Argo server settings (dflow's config["host"], ["token"], ["namespace"]); env vars fill the rest. */
  argo: { server?: string; token?: string; namespace?: string; insecureSkipVerify?: boolean; caFile?: string };
}

/** zod's classic API alone makes a bundle ~220 KiB: such bundles ship as artifacts. */
export const DEFAULT_INLINE_BUNDLE_LIMIT = 64 * 1024;

function fromEnv(): Config {
  const mode = process.env.DFLOW_MODE === "argo" ? "argo" : "local";
  const par = Number(process.env.DFLOW_PARALLELISM);
  return {
    mode,
    root: process.env.DFLOW_ROOT || "dflow-runs",
    ...(Number.isInteger(par) && par > 0 ? { parallelism: par } : {}),
    ...(process.env.DFLOW_DEFAULT_IMAGE ? { defaultImage: process.env.DFLOW_DEFAULT_IMAGE } : {}),
    archiveMode: process.env.DFLOW_ARCHIVE_MODE === "none" ? null : "tar",
    // An unreadable value stays NaN: compiling reports it (see inlineBundleLimit()).
    inlineBundleLimit: process.env.DFLOW_INLINE_BUNDLE_LIMIT ? Number(process.env.DFLOW_INLINE_BUNDLE_LIMIT) : DEFAULT_INLINE_BUNDLE_LIMIT,
    argo: {},
    uploadPackages: [],
    artifacts: process.env.DFLOW_ARTIFACTS === "repository" ? "repository" : "record",
  };
}

export const config: Config = fromEnv();
