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
  /** Argo server settings (dflow's config["host"], ["token"], ["namespace"]); env vars fill the rest. */
  argo: { server?: string; token?: string; namespace?: string; insecureSkipVerify?: boolean; caFile?: string };
}

function fromEnv(): Config {
  const mode = process.env.DFLOW_MODE === "argo" ? "argo" : "local";
  const par = Number(process.env.DFLOW_PARALLELISM);
  return {
    mode,
    root: process.env.DFLOW_ROOT || "dflow-runs",
    ...(Number.isInteger(par) && par > 0 ? { parallelism: par } : {}),
    ...(process.env.DFLOW_DEFAULT_IMAGE ? { defaultImage: process.env.DFLOW_DEFAULT_IMAGE } : {}),
    archiveMode: process.env.DFLOW_ARCHIVE_MODE === "none" ? null : "tar",
    argo: {},
    uploadPackages: [],
    artifacts: process.env.DFLOW_ARTIFACTS === "repository" ? "repository" : "record",
  };
}

export const config: Config = fromEnv();
