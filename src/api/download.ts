import { s3LocatorKey } from "../storage/keys.ts";
import path from "node:path";
import { LocalStorageClient } from "../storage/local.ts";
import { type DownloadOptions, type DownloadSource, downloadArtifact as downloadFromRepository, type UploadedArtifact } from "./artifact-api.ts";
import type { OutputArtifactInfo } from "./step-info.ts";
import type { NestedPaths } from "../op/artifact.ts";

type Tree = string | string[] | NestedPaths;

function isStepArtifact(a: unknown): a is OutputArtifactInfo {
  return typeof a === "object" && a !== null && typeof (a as OutputArtifactInfo).path === "string" && typeof (a as OutputArtifactInfo).name === "string";
}

/**
 * Downloads an artifact into the directory `options.path` (dflow's download_artifact): an uploaded
 * one, a key of the repository, or a step's output artifact from `queryStep` — in a local run's
 * record, or `s3://bucket/key` for a run on Argo. Returns the downloaded path(s) in the artifact's
 * shape.
 */
export async function downloadArtifact<T>(artifact: UploadedArtifact<T>, options?: DownloadOptions): Promise<T>;
export async function downloadArtifact(artifact: DownloadSource | OutputArtifactInfo, options?: DownloadOptions): Promise<Tree>;
export async function downloadArtifact(artifact: DownloadSource | OutputArtifactInfo, options: DownloadOptions = {}): Promise<Tree> {
  if (!isStepArtifact(artifact)) return downloadFromRepository(artifact, options);
  const key = s3LocatorKey(artifact.path);
  if (key !== undefined) return downloadFromRepository(key, options);
  // A local run's artifact: the same transfer, from a store rooted beside it.
  const abs = path.resolve(artifact.path);
  return downloadFromRepository(path.basename(abs), { ...options, storage: new LocalStorageClient(path.dirname(abs)) });
}
