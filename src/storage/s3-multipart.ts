import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ChecksumError } from "./client.ts";

export const MIB = 1024 * 1024;

export interface MultipartTarget {
  s3: S3Client;
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  /** Whole-file hex md5: checked against the bytes sent before the upload is completed. */
  md5?: string;
}

/**
 * Multipart upload of a file: parts are read at their offsets into one reusable buffer per worker
 * (memory: concurrency × partSize), each sent with its Content-MD5 so the store rejects a corrupt
 * part, and the final ETag is checked against md5(part md5s)-N. Reads happen in order so the
 * whole-file md5 of what was sent is known before completing, and checked against `t.md5` (the
 * value stored in the metadata): a file changed since it was hashed is never completed. Any error or abort aborts the
 * upload on the store, so no object and no orphaned parts remain.
 */
export async function uploadMultipart(
  t: MultipartTarget,
  path: string,
  size: number,
  o: { partSize: number; concurrency: number; signal?: AbortSignal | undefined },
): Promise<void> {
  const count = Math.max(1, Math.ceil(size / o.partSize));
  const created = await t.s3.send(
    new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, Metadata: t.metadata }),
    { abortSignal: o.signal },
  );
  const UploadId = created.UploadId!;
  const parts: CompletedPart[] = new Array(count);
  const digests: Buffer[] = new Array(count);
  const file = await open(path, "r");
  const failed = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, failed.signal]) : failed.signal;
  let next = 0;
  const whole = createHash("md5");
  let reading: Promise<void> = Promise.resolve();
  const worker = async () => {
    const buf = Buffer.allocUnsafe(Math.min(o.partSize, size));
    while (next < count) {
      signal.throwIfAborted();
      const i = next++;
      const start = i * o.partSize;
      const len = Math.min(o.partSize, size - start);
      const body = buf.subarray(0, len);
      const read = reading.then(async () => {
        const { bytesRead } = await file.read(buf, 0, len, start);
        if (bytesRead !== len) throw new Error(`${path} changed size during upload`);
        whole.update(body);
      });
      reading = read.catch(() => undefined);
      await read;
      const digest = createHash("md5").update(body).digest();
      try {
        const out = await t.s3.send(
          new UploadPartCommand({
            Bucket: t.bucket, Key: t.key, UploadId, PartNumber: i + 1,
            Body: body, ContentLength: len, ContentMD5: digest.toString("base64"),
          }),
          { abortSignal: signal },
        );
        parts[i] = { PartNumber: i + 1, ETag: out.ETag! };
      } catch (e) {
        if (e instanceof S3ServiceException && e.name === "BadDigest")
          throw new ChecksumError(`${t.key} (part ${i + 1})`, digest.toString("hex"), "content the store received");
        throw e;
      }
      digests[i] = digest;
    }
  };
  try {
    const workers = Array.from({ length: Math.min(o.concurrency, count) }, () =>
      worker().catch((e) => {
        failed.abort(e);
        throw e;
      }),
    );
    const results = await Promise.allSettled(workers);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (rejected) throw o.signal?.aborted ? o.signal.reason : rejected.reason;
    const sent = whole.digest("hex");
    if (t.md5 && sent !== t.md5) throw new ChecksumError(t.key, t.md5, sent);
    const done = await t.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, UploadId, MultipartUpload: { Parts: parts } }),
      { abortSignal: o.signal },
    );
    const expected = `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${count}`;
    const etag = done.ETag?.replace(/"/g, "");
    if (etag && etag !== expected) throw new ChecksumError(t.key, expected, etag);
  } catch (e) {
    await abortUpload(t, UploadId);
    throw e;
  } finally {
    await file.close();
  }
}

/** Server-side copy in ranges (CopyObject stops at 5 GiB). */
export async function copyMultipart(t: MultipartTarget, copySource: string, size: number, partSize: number): Promise<void> {
  const created = await t.s3.send(new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, Metadata: t.metadata }));
  const UploadId = created.UploadId!;
  try {
    const parts: CompletedPart[] = [];
    for (let start = 0, n = 1; start < size; start += partSize, n++) {
      const end = Math.min(start + partSize, size) - 1;
      const out = await t.s3.send(
        new UploadPartCopyCommand({ Bucket: t.bucket, Key: t.key, UploadId, PartNumber: n, CopySource: copySource, CopySourceRange: `bytes=${start}-${end}` }),
      );
      parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag });
    }
    await t.s3.send(new CompleteMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (e) {
    await abortUpload(t, UploadId);
    throw e;
  }
}

async function abortUpload(t: MultipartTarget, UploadId: string): Promise<void> {
  // Best effort: the original error matters more than a failure to clean up.
  await t.s3.send(new AbortMultipartUploadCommand({ Bucket: t.bucket, Key: t.key, UploadId })).catch(() => undefined);
}
