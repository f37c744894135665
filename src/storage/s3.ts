import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ChecksumError, NotFoundError, StorageError, type StorageClient, type TransferOptions } from "./client.ts";
import { md5File, writeFileAtomic } from "./atomic-file.ts";
import { checkKey, checkPrefix } from "./keys.ts";
import { byteOrder } from "./local.ts";
import { copyMultipart, uploadMultipart, MIB } from "./s3-multipart.ts";

/** User metadata holding the whole object's hex md5 (S3's ETag is not an md5 for multipart objects). */
export const MD5_METADATA = "dflow-md5";

export interface S3StorageOptions {
  /** "host:port" (dflow's form, with `secure` choosing http/https) or a URL; unset: AWS S3. */
  endpoint?: string;
  bucket: string;
  accessKey?: string;
  secretKey?: string;
  /** Default "us-east-1". */
  region?: string;
  /** Path-style URLs (http://host/bucket/key), needed by most self-hosted stores. Default: true with an endpoint. */
  pathStyle?: boolean;
  /** TLS for a "host:port" endpoint. Default true. */
  secure?: boolean;
  /** Key prefix inside the bucket that this client is confined to. */
  prefix?: string;
  /** Size of one multipart part, and of the largest single-request upload. Default 16 MiB. */
  partSize?: number;
  /** Parts in flight at once (each holds a part in memory). Default 4. */
  concurrency?: number;
  /** A request that makes no progress for this long fails (ms). Default 120000: a full store can stall writes forever. */
  requestTimeout?: number;
  /** A configured SDK client to use instead of building one from the fields above. */
  client?: S3Client;
}

/** Any S3-compatible store (AWS S3, MinIO, Ceph radosgw, ...). */
export class S3StorageClient implements StorageClient {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly partSize: number;
  readonly concurrency: number;

  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new StorageError("S3StorageClient needs a bucket");
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    if (this.prefix) checkKey(this.prefix);
    this.partSize = options.partSize ?? 16 * MIB;
    if (this.partSize < 5 * MIB) throw new StorageError("partSize must be at least 5 MiB (the S3 minimum)");
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.s3 = options.client ?? new S3Client(sdkConfig(options));
  }

  /** The key in the bucket for a key of this client. */
  fullKey(key: string): string {
    checkKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  /** Creates the bucket when it does not exist (for tests and first-time set-up). */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async upload(key: string, path: string, options: TransferOptions = {}): Promise<void> {
    const Key = this.fullKey(key);
    const st = await stat(path);
    if (!st.isFile()) throw new StorageError(`upload(${JSON.stringify(key)}): ${path} is not a regular file`);
    // The whole-file md5 goes into the metadata, so it must be known before the first request.
    const md5 = options.md5 ?? (await md5File(path, options.signal));
    const target = { s3: this.s3, bucket: this.bucket, key: Key, md5, metadata: { [MD5_METADATA]: md5 } };
    if (st.size > this.partSize) {
      // S3 allows at most 10,000 parts: very large files get larger parts.
      const partSize = Math.max(this.partSize, Math.ceil(st.size / 10_000));
      await uploadMultipart(target, path, st.size, { partSize, concurrency: this.concurrency, signal: options.signal });
      return;
    }
    let etag: string | undefined;
    try {
      const out = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body: createReadStream(path),
          ContentLength: st.size,
          ContentMD5: Buffer.from(md5, "hex").toString("base64"),
          Metadata: target.metadata,
        }),
        { abortSignal: options.signal },
      );
      etag = unquote(out.ETag);
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === "BadDigest" || e.name === "InvalidDigest"))
        throw new ChecksumError(key, md5, `content the store received (${e.name})`);
      throw e;
    }
    if (etag && !etag.includes("-") && etag !== md5) throw new ChecksumError(key, md5, etag);
  }

  async download(key: string, path: string, options: TransferOptions = {}): Promise<void> {
    let out;
    try {
      out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }), { abortSignal: options.signal });
    } catch (e) {
      throw isNotFound(e) ? new NotFoundError(key) : e;
    }
    const expected = expectedMd5(out.Metadata, out.ETag);
    await writeFileAtomic(path, out.Body as Readable, {
      signal: options.signal,
      check: ({ md5 }) => {
        if (expected && expected !== md5) throw new ChecksumError(key, expected, md5);
      },
    });
  }

  async list(prefix: string, recursive = false): Promise<string[]> {
    checkPrefix(prefix);
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: full,
          ContinuationToken: token,
          ...(recursive ? {} : { Delimiter: "/" }),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(strip));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix.slice(strip));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort(byteOrder);
  }

  async copy(src: string, dst: string): Promise<void> {
    const head = await this.head(src);
    const CopySource = `${this.bucket}/${encodeKey(this.fullKey(src))}`;
    // CopyObject is limited to 5 GiB; larger objects are copied part by part on the server.
    if ((head.ContentLength ?? 0) > 5 * 1024 * MIB) {
      await copyMultipart({ s3: this.s3, bucket: this.bucket, key: this.fullKey(dst), metadata: head.Metadata ?? {} }, CopySource, head.ContentLength ?? 0, 1024 * MIB);
      return;
    }
    await this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: this.fullKey(dst), CopySource, MetadataDirective: "COPY" }));
  }

  async getMd5(key: string): Promise<string | undefined> {
    const head = await this.head(key);
    return expectedMd5(head.Metadata, head.ETag);
  }

  private async head(key: string) {
    try {
      return await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }));
    } catch (e) {
      throw isNotFound(e) ? new NotFoundError(key) : e;
    }
  }
}

function sdkConfig(o: S3StorageOptions) {
  const credentials = o.accessKey && o.secretKey ? { accessKeyId: o.accessKey, secretAccessKey: o.secretKey } : undefined;
  return {
    region: o.region || "us-east-1",
    ...(o.endpoint ? { endpoint: endpointUrl(o.endpoint, o.secure ?? true) } : {}),
    forcePathStyle: o.pathStyle ?? !!o.endpoint,
    ...(credentials ? { credentials } : {}),
    requestHandler: { requestTimeout: o.requestTimeout ?? 120_000, connectionTimeout: 10_000 },
    // Self-hosted stores (e.g. Ceph Pacific) reject the SDK's default CRC32 trailers; we check md5s.
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
    responseChecksumValidation: "WHEN_REQUIRED" as const,
  };
}

/** "host:port" → http(s)://host:port; a URL is kept. */
export function endpointUrl(endpoint: string, secure: boolean): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return endpoint;
  return `${secure ? "https" : "http"}://${endpoint}`;
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, "").toLowerCase();
}

/** Our md5 metadata, else the ETag when it is an md5 (single-request uploads). */
function expectedMd5(metadata: Record<string, string> | undefined, etag: string | undefined): string | undefined {
  const m = metadata?.[MD5_METADATA];
  if (m && /^[0-9a-f]{32}$/i.test(m)) return m.toLowerCase();
  const e = unquote(etag);
  return e && /^[0-9a-f]{32}$/.test(e) ? e : undefined;
}

function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

function isNotFound(e: unknown): boolean {
  if (!(e instanceof S3ServiceException)) return false;
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.name === "NoSuchBucket" || e.$metadata?.httpStatusCode === 404;
}

