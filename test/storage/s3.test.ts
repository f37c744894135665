// S3-specific behaviour against a real store (radosgw): multipart, md5 checks, interrupted transfers.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, expect, it } from "vitest";
import { ChecksumError, md5File, MD5_METADATA, S3StorageClient } from "../../src/storage/index.ts";
import { describeS3, newS3Client, tempDir } from "./helpers.ts";

const MIB = 1 << 20;
const root = tempDir("s3");

function randomFile(name: string, bytes: number): string {
  const p = join(root, name);
  writeFileSync(p, randomBytes(bytes));
  return p;
}

async function pendingUploads(c: S3StorageClient, key: string): Promise<number> {
  const out = await c.s3.send(new ListMultipartUploadsCommand({ Bucket: c.bucket, Prefix: `${c.prefix}/${key}` }));
  return (out.Uploads ?? []).length;
}

describeS3("S3StorageClient against radosgw", () => {
  let c: S3StorageClient;
  let big: string;
  beforeAll(async () => {
    c = newS3Client({ partSize: 5 * MIB, concurrency: 3 });
    await c.ensureBucket();
    big = randomFile("big.bin", 23 * MIB + 123); // 5 parts, the last one short
  });

  it("uploads a large file in parts, stores its md5, and downloads it intact", async () => {
    await c.upload("mp/big.bin", big);
    const md5 = await md5File(big);
    const head = await c.s3.send(new GetObjectCommand({ Bucket: c.bucket, Key: c.fullKey("mp/big.bin"), Range: "bytes=0-0" }));
    expect(head.ETag).toMatch(/-5"?$/); // a multipart ETag: not an md5
    expect(head.Metadata?.[MD5_METADATA]).toBe(md5);
    expect(await c.getMd5("mp/big.bin")).toBe(md5);
    await c.download("mp/big.bin", join(root, "big.out"));
    expect(await md5File(join(root, "big.out"))).toBe(md5);
    expect(await pendingUploads(c, "mp/")).toBe(0);
  });

  it("detects an md5 mismatch on download and leaves no file", async () => {
    await c.s3.send(new PutObjectCommand({ Bucket: c.bucket, Key: c.fullKey("bad/meta"), Body: "payload", Metadata: { [MD5_METADATA]: "0".repeat(32) } }));
    const dest = join(root, "dl-bad", "f");
    const err = await c.download("bad/meta", dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as ChecksumError).message).toMatch(/md5 mismatch for "bad\/meta": expected 0{32}, got [0-9a-f]{32}/);
    expect(readdirSync(join(root, "dl-bad"))).toEqual([]);
  });

  it("a multipart upload whose content does not match its md5 is never completed", async () => {
    const err = await c.upload("mp/wrong", big, { md5: "f".repeat(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(String(err)).toMatch(/md5 mismatch .*mp\/wrong.*expected f{32}, got [0-9a-f]{32}/);
    expect(await c.list("mp/wrong")).toEqual([]);
    expect(await pendingUploads(c, "mp/wrong")).toBe(0);
  });

  it("an upload aborted mid-way leaves no object and no pending multipart upload", async () => {
    const slow = newS3Client({ partSize: 5 * MIB, concurrency: 1, prefix: c.prefix });
    const ac = new AbortController();
    let started = 0;
    slow.s3.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { PartNumber?: number }).PartNumber === 2) {
          started++;
          ac.abort(new Error("interrupted"));
        }
        return next(args);
      },
      { step: "initialize", name: "abortOnPart2" },
    );
    await expect(slow.upload("mp/interrupted", big, { signal: ac.signal })).rejects.toThrow();
    expect(started).toBe(1);
    expect(await c.list("mp/interrupted")).toEqual([]);
    expect(await pendingUploads(c, "mp/interrupted")).toBe(0);
  });

  it("a download aborted mid-way leaves neither the file nor a temporary one", async () => {
    await c.upload("dl/big.bin", big);
    const dir = join(root, "dl-abort");
    const ac = new AbortController();
    const p = c.download("dl/big.bin", join(dir, "big"), { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("interrupted")), 30);
    await expect(p).rejects.toThrow();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("a single-request upload is checked against the ETag and survives a round trip", async () => {
    const small = randomFile("small.bin", 3 * MIB);
    await c.upload("sp/small", small);
    const md5 = createHash("md5").update(readFileSync(small)).digest("hex");
    expect(await c.getMd5("sp/small")).toBe(md5);
    await c.copy("sp/small", "sp/copy");
    expect(await c.getMd5("sp/copy")).toBe(md5);
  });

  it("lists beyond one page (1000 keys)", async () => {
    const f = randomFile("tiny", 10);
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => c.upload(k, f)));
    expect(await c.list("many/", true)).toEqual(keys);
    expect(await c.list("")).toContain("many/");
  }, 120_000);

  it("keeps a client inside its prefix", async () => {
    const other = newS3Client();
    await other.upload("iso", randomFile("iso", 1));
    expect(await c.list("iso")).toEqual([]);
    expect(await other.list("")).toEqual(["iso"]);
  });
});
