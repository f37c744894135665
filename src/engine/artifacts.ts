import { NotFoundError } from "../storage/client.ts";
// Artifact storage behind a small interface: the local store keeps artifacts inside the run's record;
// an S3 store can implement the same three calls later.
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";

/** Where an artifact value lives: a key in the store, or inline data (`raw`). */
/**
 * An artifact as the engine passes it around: a key of the run's store, inline text (`raw`), or a
 * key of the artifact repository (`repo`: an `s3: { key }` artifact, e.g. from uploadArtifact).
 */
export type ArtifactValue = { key: string; subPath?: string } | { raw: string } | { repo: string; subPath?: string };

export interface ArtifactStore {
  /** Save the file or directory at `localPath` under `key`. */
  save(localPath: string, key: string): Promise<void>;
  /** Materialise `key` (or `key/subPath`) at `destPath`; throws if absent. */
  load(key: string, destPath: string, subPath?: string): Promise<void>;
  exists(key: string, subPath?: string): Promise<boolean>;
  /** A local path where the artifact can be read directly, if the store has one. */
  localPath(key: string): string | undefined;
  /** Where a remote store keeps it (`s3://bucket/key`), for the record. */
  locator?(key: string): string;
}

/** Join relative `rel` under `base`, refusing anything that could escape it (absolute, `..`, NUL, `\`). */
export function safeJoin(base: string, rel: string): string {
  if (rel === "" || rel === ".") return base;
  if (isAbsolute(rel) || rel.includes("\0") || rel.includes("\\"))
    throw new Error(`artifact path "${rel}" must be relative`);
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) throw new Error(`artifact path "${rel}" must not contain ".."`);
  const joined = resolve(base, ...parts);
  const root = resolve(base);
  if (joined !== root && !joined.startsWith(root + sep)) throw new Error(`artifact path "${rel}" escapes its directory`);
  return joined;
}

/** Copy a file or directory tree, replacing what is at `dest`. */
export function copyPath(src: string, dest: string): void {
  if (resolve(src) === resolve(dest)) return;
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(src, dest, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}

export class LocalArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  async save(localPath: string, key: string): Promise<void> {
    const dest = safeJoin(this.root, key);
    try {
      copyPath(localPath, dest);
    } catch (e) {
      rmSync(dest, { recursive: true, force: true }); // a partial copy would only take room
      throw e;
    }
  }

  async load(key: string, destPath: string, subPath?: string): Promise<void> {
    const src = safeJoin(safeJoin(this.root, key), subPath ?? "");
    if (!existsSync(src)) throw new NotFoundError(`${key}${subPath ? `/${subPath}` : ""}`);
    copyPath(src, destPath);
  }

  async exists(key: string, subPath?: string): Promise<boolean> {
    return existsSync(safeJoin(safeJoin(this.root, key), subPath ?? ""));
  }

  localPath(key: string): string | undefined {
    return safeJoin(this.root, key);
  }
}

export const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};
