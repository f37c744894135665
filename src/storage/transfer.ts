import { lstat, mkdir, readdir, realpath, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { NotFoundError, StorageError, type StorageClient } from "./client.ts";
import { looksLikeArchive, packArchive, unpackArchive, type PackOptions } from "./archive.ts";
import { tempPathFor } from "./atomic-file.ts";
import { checkKey, type Archive } from "./keys.ts";
import { replacePath } from "./replace.ts";
import { safeRelative } from "./safe-path.ts";

/**
 * Artifacts on top of a StorageClient. An artifact under `key` is stored either
 *   - archived: one tar.gz object at `key` (by convention ending in ".tgz"), or
 *   - unarchived: a single file as the object `key`, or a directory as objects `key/<relative path>`
 *     (empty directories are not kept, as in Argo; needed by subPath slices).
 * loadArtifact() recognises both, so a reader need not know how the writer stored it.
 */

export interface SaveOptions extends PackOptions {
  /** "tar" (default) or null (as is). */
  archive?: Archive;
  /** Files transferred at once for unarchived directories. Default 8. */
  concurrency?: number;
}

/** Stores the file or directory at `localPath` as the artifact `key`. */
export async function saveArtifact(client: StorageClient, localPath: string, key: string, options: SaveOptions = {}): Promise<void> {
  checkKey(key);
  const src = resolve(localPath);
  if (options.archive === undefined || options.archive === "tar") {
    const tgz = tempPathFor(src);
    try {
      const { md5 } = await packArchive(src, tgz, options);
      await client.upload(key, tgz, { md5, ...(options.signal ? { signal: options.signal } : {}) });
    } finally {
      await rm(tgz, { force: true });
    }
    return;
  }
  const st = await stat(src);
  if (st.isFile()) return client.upload(key, src, opt(options.signal));
  const files = await listFiles(src);
  await mapLimit(files, options.concurrency ?? 8, (rel) => client.upload(`${key}/${rel}`, join(src, rel), opt(options.signal)));
}

export interface LoadOptions {
  /** Only this path inside the artifact. */
  subPath?: string;
  signal?: AbortSignal;
  concurrency?: number;
}

/**
 * Materialises the artifact `key` (or a path inside it) at `dest`, replacing what was there; an
 * archive is unpacked with Argo's single-entry rule. Until the end everything is written to
 * temporary names next to `dest`, so a failure or abort leaves `dest` untouched.
 */
export async function loadArtifact(client: StorageClient, key: string, dest: string, options: LoadOptions = {}): Promise<void> {
  const target = resolve(dest);
  const sub = options.subPath ? safeRelative(options.subPath, "subPath") : "";
  const kind = await artifactKind(client, key);
  if (kind === undefined) throw new NotFoundError(key);
  await mkdir(dirname(target), { recursive: true });
  if (kind === "tree") {
    const prefix = sub ? `${key}/${sub}` : key;
    if (sub && (await artifactKind(client, prefix)) === "object") return client.download(prefix, target, opt(options.signal));
    return downloadTree(client, prefix, target, options);
  }
  const tmp = tempPathFor(target);
  try {
    await client.download(key, tmp, opt(options.signal));
    if (!(await looksLikeArchive(tmp))) {
      if (sub) throw new StorageError(`artifact ${JSON.stringify(key)} is a single file: it has no subPath ${JSON.stringify(sub)}`);
      await replacePath(tmp, target);
      return;
    }
    if (!sub) return await unpackArchive(tmp, target, opt(options.signal));
    const unpacked = tempPathFor(target);
    try {
      await unpackArchive(tmp, unpacked, opt(options.signal));
      const inside = join(unpacked, sub);
      const st = await lstat(inside).catch(() => {
        throw new NotFoundError(`${key}:${sub}`);
      });
      // Moved out of the artifact, a link would resolve relative to `dest` instead.
      if (st.isSymbolicLink()) throw new StorageError(`subPath ${JSON.stringify(sub)} of ${JSON.stringify(key)} is a symbolic link`);
      await replacePath(inside, target);
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/** "object" (a file or an archive at `key`), "tree" (objects under `key/`), or undefined. */
export async function artifactKind(client: StorageClient, key: string): Promise<"object" | "tree" | undefined> {
  const found = await client.list(checkKey(key), false);
  if (found.includes(key)) return "object";
  if (found.includes(`${key}/`)) return "tree";
  return undefined;
}

/** Server-side copy of an artifact (one archive object, or every object of a tree). */
export async function copyArtifact(client: StorageClient, src: string, dst: string): Promise<void> {
  const kind = await artifactKind(client, src);
  if (kind === undefined) throw new NotFoundError(src);
  if (kind === "object") return client.copy(src, checkKey(dst));
  const keys = await client.list(`${src}/`, true);
  await mapLimit(keys, 8, (k) => client.copy(k, checkKey(`${dst}/${k.slice(src.length + 1)}`)));
}

async function downloadTree(client: StorageClient, prefix: string, target: string, options: LoadOptions): Promise<void> {
  const keys = await client.list(`${prefix}/`, true);
  if (keys.length === 0) throw new NotFoundError(prefix);
  const tmp = tempPathFor(target);
  try {
    await mapLimit(keys, options.concurrency ?? 8, async (k) => {
      // A key in the store is data too: one like "p/../../x" must not place a file outside.
      const rel = safeRelative(k.slice(prefix.length + 1), `key ${JSON.stringify(k)}: path`);
      if (rel === "") throw new StorageError(`key ${JSON.stringify(k)} has no path below ${JSON.stringify(prefix)}`);
      await client.download(k, join(tmp, rel), opt(options.signal));
    });
    await replacePath(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Relative paths of the regular files below `dir`, following links, each directory once. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    const real = await realpath(abs);
    if (seen.has(real)) throw new StorageError(`${abs}: a link loop or a directory linked twice`);
    seen.add(real);
    for (const name of (await readdir(abs)).sort()) {
      const st = await stat(join(abs, name));
      const r = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) await walk(join(abs, name), r);
      else if (st.isFile()) out.push(r);
      else throw new StorageError(`${join(abs, name)}: only files and directories can be stored`);
    }
  };
  await walk(dir, "");
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure stops new work and is thrown. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (bad) throw bad.reason;
}

const opt = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
