import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { constants } from "node:fs";
import { copyFile, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";

/** A hidden temporary name next to `dest`, so that the final rename stays on one filesystem. */
export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString("hex")}.part`);
}

export interface Written {
  md5: string;
  bytes: number;
}

/**
 * Streams `source` into `dest` through a temporary file that is flushed (fsync) and renamed into
 * place only once complete: an error or abort removes the temporary file and leaves `dest` as it was.
 * `check` runs on the finished temporary file (e.g. an md5 comparison) before the rename.
 */
export async function writeFileAtomic(
  dest: string,
  source: NodeJS.ReadableStream,
  options: { signal?: AbortSignal | undefined; check?: (w: Written) => void } = {},
): Promise<Written> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  const hash = createHash("md5");
  let bytes = 0;
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer | string>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(tmp, { flags: "wx", flush: true }),
      options.signal ? { signal: options.signal } : {},
    );
    const written = { md5: hash.digest("hex"), bytes };
    options.check?.(written);
    await rename(tmp, dest);
    return written;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Hex md5 of a file, streamed. */
export async function md5File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("md5");
  await pipeline(createReadStream(path), async (chunks: AsyncIterable<Uint8Array>) => {
    for await (const chunk of chunks) hash.update(chunk);
  }, signal ? { signal } : {});
  return hash.digest("hex");
}

/**
 * Copies the file `src` to `dest` like writeFileAtomic, but in the kernel (copy_file_range, or a
 * reflink where the filesystem has them): for stores on local disk. The abort signal is checked
 * before the rename; `check` runs on the copy (for instance an md5 comparison).
 */
export async function copyFileAtomic(
  src: string,
  dest: string,
  options: { signal?: AbortSignal | undefined; check?: (tmp: string) => Promise<void> } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    await copyFile(src, tmp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    const fh = await open(tmp, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await options.check?.(tmp);
    options.signal?.throwIfAborted();
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
