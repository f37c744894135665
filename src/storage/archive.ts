import { createReadStream } from "node:fs";
import { lstat, mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { createGunzip, createGzip } from "node:zlib";
import * as tar from "tar";
import { StorageError } from "./client.ts";
import { tempPathFor, writeFileAtomic, type Written } from "./atomic-file.ts";
import { replacePath } from "./replace.ts";
import { safeLinkTarget, safeRelative } from "./safe-path.ts";

export interface PackOptions {
  /** gzip level, 1 (fast) to 9 (small). Default 1: artifacts are often large and barely compressible. */
  compressionLevel?: number;
  /** Store what symbolic links point to rather than the links (default true, as dflow's upload). */
  dereference?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Packs the file or directory `src` into the tar.gz `dest` as ONE top-level entry named after it,
 * streamed and written atomically. One top-level entry is what Argo expects: when it unpacks an
 * artifact holding a single entry, that entry becomes the artifact (unpackArchive does the same).
 */
export async function packArchive(src: string, dest: string, options: PackOptions = {}): Promise<Written> {
  const abs = resolve(src);
  await stat(abs); // a clear ENOENT before any output exists
  const entries = tar.c({ cwd: dirname(abs), portable: true, follow: options.dereference ?? true }, [basename(abs)]);
  // Node's zlib compresses on the thread pool, in parallel with tar's reading: twice as fast as
  // tar's own (synchronous) gzip.
  const gzip = createGzip({ level: options.compressionLevel ?? 1 });
  (entries as unknown as NodeJS.ReadableStream).on("error", (e) => gzip.destroy(e)).pipe(gzip);
  return writeFileAtomic(dest, gzip, { signal: options.signal });
}

const ALLOWED = new Set(["File", "OldFile", "ContiguousFile", "Directory", "GNUDumpDir", "SymbolicLink", "Link"]);

/**
 * Unpacks a tar (gzip or not) into `dest` with Argo's rule: a single top-level entry becomes
 * `dest` itself, several become the contents of directory `dest`. Nothing is written outside a
 * temporary directory next to `dest` until every entry is in; then it replaces `dest` by renames.
 * Refused (StorageError, nothing left behind): absolute or ".." entry names, links whose target
 * leaves the archive, entries under a link, device files and FIFOs.
 */
export async function unpackArchive(file: string, dest: string, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
  const target = resolve(dest);
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  await mkdir(tmp);
  try {
    await extractSafely(file, tmp, options.signal);
    const entries = await readdir(tmp);
    if (entries.length === 1) {
      const only = join(tmp, entries[0]!);
      // Moved out of its directory, a lone link would point relative to dest's parent.
      if ((await lstat(only)).isSymbolicLink()) throw new StorageError(`archive ${file} holds nothing but the symbolic link ${JSON.stringify(entries[0])}`);
      await replacePath(only, target);
    } else {
      await replacePath(tmp, target);
      return;
    }
    await rm(tmp, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function extractSafely(file: string, cwd: string, signal: AbortSignal | undefined): Promise<void> {
  const gzipped = await isGzip(file);
  return new Promise((resolvePromise, reject) => {
    const links = new Set<string>();
    let refused: Error | undefined;
    const unpack = new tar.Unpack({
      cwd,
      strict: true,
      preserveOwner: false,
      filter: (_path, entry) => {
        if (refused) return false;
        try {
          checkEntry(entry as tar.ReadEntry, links);
          return true;
        } catch (e) {
          refused = e as Error;
          unpack.abort(refused);
          return false;
        }
      },
    });
    const raw = createReadStream(file);
    // Gunzip on the thread pool (see packArchive); tar then only sees the plain stream.
    const input = gzipped ? raw.on("error", (e) => input.destroy(e)).pipe(createGunzip()) : raw;
    const fail = (e: unknown) => {
      raw.destroy();
      input.destroy();
      reject(refused ?? e);
    };
    const onAbort = () => {
      const reason = signal?.reason instanceof Error ? signal.reason : new StorageError("unpack aborted");
      unpack.abort(reason);
      fail(reason);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    unpack.on("error", fail);
    input.on("error", fail);
    unpack.on("close", () => {
      signal?.removeEventListener("abort", onAbort);
      if (refused) reject(refused);
      else resolvePromise();
    });
    input.pipe(unpack as unknown as NodeJS.WritableStream);
  });
}

function checkEntry(entry: tar.ReadEntry, links: Set<string>): void {
  const what = "archive entry";
  const p = safeRelative(entry.path, what);
  if (!ALLOWED.has(entry.type)) throw new StorageError(`${what} ${JSON.stringify(entry.path)} is a ${entry.type}: only files, directories and links are unpacked`);
  // A link already unpacked must not be a parent: writing through it could land anywhere.
  for (let parent = p; parent.includes("/"); ) {
    parent = parent.slice(0, parent.lastIndexOf("/"));
    if (links.has(parent)) throw new StorageError(`${what} ${JSON.stringify(entry.path)} lies under the link ${JSON.stringify(parent)}`);
  }
  if (entry.type === "SymbolicLink") {
    safeLinkTarget(p, entry.linkpath ?? "", what);
    links.add(p);
  } else if (entry.type === "Link") {
    safeRelative(entry.linkpath ?? "", `hard link target of ${what} ${JSON.stringify(entry.path)}:`);
  }
}

async function head(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function isGzip(file: string): Promise<boolean> {
  const b = await head(file, 2);
  return b[0] === 0x1f && b[1] === 0x8b;
}

/** True when the file starts like a gzip or a ustar archive. */
export async function looksLikeArchive(file: string): Promise<boolean> {
  const b = await head(file, 512);
  if (b[0] === 0x1f && b[1] === 0x8b) return true;
  return b.length >= 262 && b.toString("latin1", 257, 262) === "ustar";
}
