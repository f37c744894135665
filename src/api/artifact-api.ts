import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Artifact as ArgoArtifact } from "../argo/manifest.ts";
import type { ArtifactShape, NestedPaths } from "../op/artifact.ts";
import { INDEX_FILE, within, type ArtifactIndex } from "../op/artifact-index.ts";
import {
  defaultLocalStorageRoot,
  joinKey,
  loadArtifact,
  s3Config,
  saveArtifact,
  StorageError,
  storageFromConfig,
  uploadKey,
  type Archive,
  type StorageClient,
} from "../storage/index.ts";
import { replacePath } from "../storage/replace.ts";
import { tempPathFor } from "../storage/atomic-file.ts";
import type { ArtifactSource } from "./step.ts";
import { config } from "./config.ts";

/** What uploadArtifact takes: one path, a list of paths, or (nested) records of paths. */
export type UploadInput = string | readonly string[] | NestedPaths;

/** The value an OP sees for an uploaded input: the same shape, with paths inside the artifact. */
export type UploadShape<P> = P extends string
  ? string
  : P extends readonly string[]
    ? string[]
    : P extends Record<string, string>
      ? Record<string, string>
      : NestedPaths;

export interface UploadOptions {
  /** "tar" (tar.gz) or null (files as they are, needed by subPath slices). Default: config.archiveMode. */
  archive?: Archive;
  /** Default: storageFromConfig() (s3Config, else the local store under config.root). */
  storage?: StorageClient;
  /** Paths are kept relative to this directory (default: the current directory). */
  cwd?: string;
}

/**
 * An artifact in the repository before any workflow runs: pass it as a step's input artifact.
 * `T` is what the OP receives (`string` for one path, `string[]` for a list, a record for a
 * record), so wiring it into an `Artifact.path()` input vs an `Artifact.paths()` one is type-checked.
 */
export class UploadedArtifact<T = unknown> implements ArtifactSource<T> {
  readonly __artifactSource = true as const;
  declare readonly ["declare"]?: T;
  readonly #storage: StorageClient | undefined;

  constructor(
    /** The key in the artifact repository (`upload/<uuid>/<name>.tgz`, see src/storage/keys.ts). */
    readonly key: string,
    readonly archive: Archive,
    readonly shape: ArtifactShape,
    storage?: StorageClient,
  ) {
    this.#storage = storage;
  }

  /** The store it was uploaded to, when not the configured default. */
  get storage(): StorageClient | undefined {
    return this.#storage;
  }

  toArgument(name: string): ArgoArtifact {
    return { name, s3: { key: this.key }, ...(this.archive === null ? { archive: { none: {} } } : {}) };
  }
}

function defaultStorage(): StorageClient {
  return storageFromConfig(s3Config, defaultLocalStorageRoot(config.root));
}

/**
 * Uploads files/directories as one artifact (dflow's upload_artifact). A path under the current
 * directory keeps its relative path inside the artifact; a path outside it keeps its absolute path
 * without the leading "/". Lists and records keep their shape through the artifact's index file.
 */
export async function uploadArtifact<P extends UploadInput>(paths: P, options: UploadOptions = {}): Promise<UploadedArtifact<UploadShape<P>>> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const archive = options.archive === undefined ? config.archiveMode : options.archive;
  const storage = options.storage ?? defaultStorage();
  const shape = shapeOf(paths);
  const sources = new Map<string, string>(); // relative path in the artifact → local absolute path
  const items = mapPaths(paths, (p) => {
    const abs = path.resolve(cwd, p);
    const rel = relativeInArtifact(abs, cwd);
    sources.set(rel, abs);
    return rel;
  });
  for (const abs of sources.values()) await stat(abs).catch(() => {
    throw new StorageError(`uploadArtifact: ${abs} does not exist`);
  });

  const stage = await mkdtemp(path.join(tmpdir(), "dflow-upload-"));
  try {
    const name = typeof paths === "string" ? path.basename(path.resolve(cwd, paths)) || "artifact" : "artifact";
    const root = path.join(stage, "artifact");
    await mkdir(root);
    await linkSources(root, sources);
    const index: ArtifactIndex = { shape, items };
    await writeFile(path.join(root, INDEX_FILE), JSON.stringify(index));
    const key = s3Config.prefix && !options.storage ? joinKey(s3Config.prefix, uploadKey(name, archive)) : uploadKey(name, archive);
    await saveArtifact(storage, root, key, { archive });
    return new UploadedArtifact<UploadShape<P>>(key, archive, shape, options.storage);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Where a local path goes inside the artifact (dflow's rule). */
function relativeInArtifact(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === "") return path.basename(abs);
  return rel.startsWith("..") || path.isAbsolute(rel) ? abs.replace(/^\/+/, "") : rel;
}

/**
 * The artifact is staged as symbolic links to the user's files (no copy); the archive (or the
 * upload of each file) follows them. A path inside another uploaded path is already included.
 */
async function linkSources(root: string, sources: Map<string, string>): Promise<void> {
  const rels = [...sources.keys()].sort((a, b) => a.length - b.length);
  const placed: string[] = [];
  for (const rel of rels) {
    if (placed.some((p) => rel === p || rel.startsWith(`${p}/`))) continue;
    const at = within(root, rel);
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(sources.get(rel)!, at);
    placed.push(rel);
  }
}

function shapeOf(p: UploadInput): ArtifactShape {
  if (typeof p === "string") return "path";
  if (Array.isArray(p)) return "paths";
  return Object.values(p).every((v) => typeof v === "string") ? "pathMap" : "nested";
}

type Tree = string | string[] | NestedPaths;

function mapPaths(t: UploadInput, f: (p: string) => string): Tree {
  if (typeof t === "string") return f(t);
  if (Array.isArray(t)) return t.map((p) => {
    if (typeof p !== "string") throw new StorageError(`uploadArtifact: expected a path, got ${JSON.stringify(p)}`);
    return f(p);
  });
  return Object.fromEntries(Object.entries(t as NestedPaths).map(([k, v]) => [k, mapPaths(v, f) as string | NestedPaths]));
}

/** An artifact to download: an uploaded one, a key in the repository, or an Argo artifact with an s3 key. */
export type DownloadSource<T = unknown> = UploadedArtifact<T> | string | { key: string } | { s3: { key?: string } };

export interface DownloadOptions {
  /** Directory to put the artifact's content in (created if needed). Default: the current directory. */
  path?: string;
  /** Default: the store the artifact was uploaded to, else storageFromConfig(). */
  storage?: StorageClient;
  /** Keep `.dflow-artifact.json` in the output (default: removed, as dflow removes its catalog). */
  keepIndex?: boolean;
}

/**
 * Downloads an artifact into the directory `path` (dflow's download_artifact) and returns the
 * downloaded path(s) in the artifact's shape: for an uploaded `foo.txt`, `<path>/foo.txt`.
 */
export async function downloadArtifact<T>(artifact: UploadedArtifact<T>, options?: DownloadOptions): Promise<T>;
export async function downloadArtifact(artifact: DownloadSource, options?: DownloadOptions): Promise<Tree>;
export async function downloadArtifact(artifact: DownloadSource, options: DownloadOptions = {}): Promise<Tree> {
  const key = keyOf(artifact);
  const storage = options.storage ?? (artifact instanceof UploadedArtifact ? artifact.storage : undefined) ?? defaultStorage();
  const dest = path.resolve(options.path ?? ".");
  await mkdir(dest, { recursive: true });
  const tmp = tempPathFor(path.join(dest, "artifact"));
  try {
    await loadArtifact(storage, key, tmp);
    if (!(await lstat(tmp)).isDirectory()) {
      const file = path.join(dest, path.basename(key).replace(/\.tgz$/, ""));
      await replacePath(tmp, file);
      return file;
    }
    const indexPath = path.join(tmp, INDEX_FILE);
    const index = await readFile(indexPath, "utf8").then((t) => JSON.parse(t) as ArtifactIndex, () => undefined);
    if (index && !options.keepIndex) await rm(indexPath);
    await mergeInto(tmp, dest);
    return index ? mapTree(index.items, (rel) => within(dest, rel)) : dest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function keyOf(a: DownloadSource): string {
  if (typeof a === "string") return a;
  if ("key" in a && typeof a.key === "string") return a.key;
  if ("s3" in a && a.s3.key) return a.s3.key;
  throw new StorageError("downloadArtifact: the artifact has no key in the repository");
}

/** Moves the children of `src` into `dest`, merging directories and replacing files. */
async function mergeInto(src: string, dest: string): Promise<void> {
  for (const name of await readdir(src)) {
    const from = path.join(src, name);
    const to = path.join(dest, name);
    const [a, b] = await Promise.all([lstat(from), lstat(to).catch(() => undefined)]);
    if (a.isDirectory() && b?.isDirectory()) await mergeInto(from, to);
    else await replacePath(from, to);
  }
}

function mapTree(t: Tree, f: (p: string) => string): Tree {
  if (typeof t === "string") return f(t);
  if (Array.isArray(t)) return t.map(f);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, mapTree(v, f) as string | NestedPaths]));
}
