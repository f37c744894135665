import { lstat, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ChecksumError, NotFoundError, StorageError, type StorageClient, type TransferOptions } from "./client.ts";
import { copyFileAtomic, md5File } from "./atomic-file.ts";
import { checkKey, checkPrefix } from "./keys.ts";

/** Temporary files of writeFileAtomic: never part of a listing. */
const PART_FILE = /^\..*\.[0-9a-f]{12}\.part$/;

/**
 * A store in a local directory: key `a/b/c` is the file `<root>/a/b/c`. The default store of the
 * local engine (`<config.root>/.storage`). Unlike S3, a key cannot be both an object and a prefix
 * of others (`a` and `a/b`): the filesystem refuses it and upload() reports it.
 */
export class LocalStorageClient implements StorageClient {
  readonly root: string;

  constructor(options: { root: string } | string) {
    this.root = resolve(typeof options === "string" ? options : options.root);
  }

  /** The file that holds `key` (whether or not it exists). */
  pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split("/"));
  }

  async upload(key: string, path: string, options: TransferOptions = {}): Promise<void> {
    const dest = this.pathOf(key);
    const st = await stat(path);
    if (!st.isFile()) throw new StorageError(`upload(${JSON.stringify(key)}): ${path} is not a regular file`);
    try {
      await copyFileAtomic(path, dest, {
        signal: options.signal,
        // The same disk on both sides: md5 only to honour a caller's expectation.
        ...(options.md5 ? { check: (tmp: string) => expectMd5(key, tmp, options.md5!) } : {}),
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST")
        throw new StorageError(`cannot store ${JSON.stringify(key)}: a key and a prefix of it cannot both hold objects in a local store`);
      throw e;
    }
  }

  async download(key: string, path: string, options: TransferOptions = {}): Promise<void> {
    await copyFileAtomic(await this.existing(key), path, { signal: options.signal });
  }

  async list(prefix: string, recursive = false): Promise<string[]> {
    checkPrefix(prefix);
    const cut = prefix.lastIndexOf("/") + 1;
    const dirKey = prefix.slice(0, cut); // "" or ending with "/"
    const out: string[] = [];
    const dir = dirKey === "" ? this.root : join(this.root, ...dirKey.slice(0, -1).split("/"));
    for (const name of await readNames(dir)) {
      const key = dirKey + name;
      if (!key.startsWith(prefix)) continue;
      const st = await lstat(join(dir, name));
      if (st.isFile()) out.push(key);
      else if (st.isDirectory()) {
        if (recursive) await this.walk(join(dir, name), `${key}/`, out);
        else if (await hasFile(join(dir, name))) out.push(`${key}/`);
      }
    }
    return out.sort(byteOrder);
  }

  async copy(src: string, dst: string): Promise<void> {
    await copyFileAtomic(await this.existing(src), this.pathOf(dst));
  }

  async getMd5(key: string): Promise<string> {
    return md5File(await this.existing(key));
  }

  private async existing(key: string): Promise<string> {
    const p = this.pathOf(key);
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) throw new NotFoundError(key);
    return p;
  }

  private async walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
    for (const name of await readNames(dir)) {
      const st = await lstat(join(dir, name));
      if (st.isFile()) out.push(keyPrefix + name);
      else if (st.isDirectory()) await this.walk(join(dir, name), `${keyPrefix}${name}/`, out);
    }
  }
}

async function expectMd5(key: string, file: string, expected: string): Promise<void> {
  const actual = await md5File(file);
  if (actual !== expected) throw new ChecksumError(key, expected, actual);
}

async function readNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !PART_FILE.test(n));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw e;
  }
}

async function hasFile(dir: string): Promise<boolean> {
  for (const name of await readNames(dir)) {
    const st = await lstat(join(dir, name));
    if (st.isFile() || (st.isDirectory() && (await hasFile(join(dir, name))))) return true;
  }
  return false;
}

/** S3 lists keys in UTF-8 byte order; so do we. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
