/**
 * The storage plugin point (dflow's StorageClient, reference §3.1.20). A client moves single files
 * between the local disk and keys of one store; archives, directory trees and artifact shapes are
 * built on top of it (transfer.ts), so a custom store only implements these five calls.
 */
export interface StorageClient {
  /** Store the file at `path` under `key`, replacing what is there. */
  upload(key: string, path: string, options?: TransferOptions): Promise<void>;
  /** Write the object `key` to the file `path` (its directory is created). */
  download(key: string, path: string, options?: TransferOptions): Promise<void>;
  /**
   * Keys that start with `prefix`, sorted. Not recursive (the default): keys below the next "/"
   * after the prefix are folded into one entry ending with "/", as S3's delimiter listing does.
   */
  list(prefix: string, recursive?: boolean): Promise<string[]>;
  /** Copy the object `src` to `dst` inside the store. */
  copy(src: string, dst: string): Promise<void>;
  /** The hex md5 of the object's content, when the store knows it. */
  getMd5?(key: string): Promise<string | undefined>;
}

export interface TransferOptions {
  /** Aborts the transfer; nothing is left at the destination. */
  signal?: AbortSignal;
  /** The hex md5 of the file being uploaded, when the caller already knows it (saves a read). */
  md5?: string;
}

/** The content that arrived is not the content that was stored. */
export class ChecksumError extends Error {
  override readonly name = "ChecksumError";
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`md5 mismatch for ${JSON.stringify(key)}: expected ${expected}, got ${actual}`);
  }
}

/** A key, a path inside an archive, or a transfer that the store refuses or cannot serve. */
export class StorageError extends Error {
  override readonly name: string = "StorageError";
}

/** The object (or prefix) is not in the store. */
export class NotFoundError extends StorageError {
  override readonly name: string = "NotFoundError";
  constructor(readonly key: string) {
    super(`no object ${JSON.stringify(key)} in the store`);
  }
}
