import { randomUUID } from "node:crypto";
import { StorageError } from "./client.ts";

/**
 * Key layout of the artifact repository (the same in the local store and in S3, below the
 * optional S3 prefix):
 *
 *   upload/<uuid>/<name>.tgz              uploadArtifact(), archived (tar.gz, one top-level entry)
 *   upload/<uuid>/<name>/…                uploadArtifact(..., { archive: null }), files as they are
 *   <workflow id>/<step id>/<artifact>.tgz     artifacts written by a run, archived
 *   <workflow id>/<step id>/<artifact>/…       the same, unarchived (needed by subPath slices)
 *   dflow-bundles/<hash>.cjs              a function OP's bundle too large to inline (content-addressed)
 *
 * Argo's default repository uses `<workflow name>/<pod name>/<artifact>.tgz`; a step id plays the
 * role of the pod name.
 */

export type Archive = "tar" | null;

/** Key of an object: "/"-separated, relative, no empty, "." or ".." segment, no NUL or "\". */
export function checkKey(key: string): string {
  if (typeof key !== "string" || key === "") throw new StorageError("a storage key must be a non-empty string");
  if (key.startsWith("/")) throw new StorageError(`storage key ${JSON.stringify(key)} must not be absolute`);
  if (key.includes("\0") || key.includes("\\")) throw new StorageError(`storage key ${JSON.stringify(key)} must not contain NUL or "\\"`);
  for (const seg of key.split("/")) {
    if (seg === "") throw new StorageError(`storage key ${JSON.stringify(key)} has an empty segment`);
    if (seg === "." || seg === "..") throw new StorageError(`storage key ${JSON.stringify(key)} must not contain "${seg}"`);
  }
  return key;
}

/** A listing prefix: "" (everything), or a key, or a key followed by "/". */
export function checkPrefix(prefix: string): string {
  if (prefix === "") return prefix;
  checkKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** Joins key segments with "/", checking the result. */
export function joinKey(...parts: string[]): string {
  return checkKey(parts.filter((p) => p !== "").map((p) => p.replace(/^\/+|\/+$/g, "")).join("/"));
}

/** A name usable as one key segment: anything outside [A-Za-z0-9._-] becomes "_". */
export function keySegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+$/, "_");
  return s === "" ? "_" : s;
}

/** Key for an artifact to store, by archive mode: `<base>.tgz` or `<base>` (a prefix of files). */
export function archivedKey(base: string, archive: Archive): string {
  return checkKey(archive === "tar" ? `${base}.tgz` : base);
}

/** `upload/<uuid>/<name>[.tgz]`: where uploadArtifact() puts a new artifact. */
export function uploadKey(name: string, archive: Archive, uuid: string = randomUUID()): string {
  return archivedKey(joinKey("upload", uuid, keySegment(name)), archive);
}

/** `<workflow id>/<step id>/<artifact>[.tgz]`: where a run keeps a step's output artifact. */
export function stepArtifactKey(workflowId: string, stepId: string, artifact: string, archive: Archive): string {
  return archivedKey(joinKey(keySegment(workflowId), keySegment(stepId), keySegment(artifact)), archive);
}

/**
 * The key in the artifact repository of an `s3://<bucket>/<key>` locator, as records and queried
 * steps name repository artifacts (the bucket may be empty: a run on Argo whose bucket is unknown).
 */
export function s3LocatorKey(locator: string): string | undefined {
  return /^s3:\/\/[^/]*\/(.+)$/.exec(locator)?.[1];
}
