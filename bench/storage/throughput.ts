// Throughput of artifact storage (not a test): upload + download of one large file and of many
// small ones, through uploadArtifact/downloadArtifact on the local store and on S3, next to `cp -r`
// and to the raw AWS SDK measured in the same run.
//
//   npx tsx bench/storage/throughput.ts            # S3 from DFLOW_S3_* or the start-rgw.sh env file
//   BENCH_BIG_MIB=256 BENCH_FILES=1000 npx tsx bench/storage/throughput.ts   # smaller
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { downloadArtifact, uploadArtifact } from "../../src/api/artifact-api.ts";
import { LocalStorageClient, S3StorageClient, type Archive, type StorageClient } from "../../src/storage/index.ts";
import { mapLimit } from "../../src/storage/transfer.ts";
import { benchS3Client } from "./s3-env.ts";

const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const work = mkdtempSync(join(tmpdir(), "dflow-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

async function makeBig(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, "big.bin");
  const block = randomBytes(1 << 20); // incompressible for gzip's 32 KiB window
  const ws = createWriteStream(p);
  for (let i = 0; i < BIG_MIB; i++) if (!ws.write(block)) await once(ws, "drain");
  ws.end();
  await once(ws, "finish");
  return dir;
}

function makeSmall(dir: string): string {
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.dat`), randomBytes(1024));
  }
  return dir;
}

function walk(dir: string, base = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/** Upload + download with the plain SDK: lib-storage's Upload (multipart) and streamed GetObject. */
async function rawSdk(c: S3StorageClient, dir: string, prefix: string): Promise<number> {
  const files = walk(dir);
  const out = join(work, `raw-${randomUUID()}`);
  return time(async () => {
    await mapLimit(files, 8, async (rel) => {
      const Key = `${prefix}/${rel}`;
      if (files.length === 1) await new Upload({ client: c.s3, params: { Bucket: c.bucket, Key, Body: createReadStream(join(dir, rel)) }, partSize: 16 << 20, queueSize: 4 }).done();
      else await c.s3.send(new PutObjectCommand({ Bucket: c.bucket, Key, Body: createReadStream(join(dir, rel)) }));
    });
    await mapLimit(files, 8, async (rel) => {
      const got = await c.s3.send(new GetObjectCommand({ Bucket: c.bucket, Key: `${prefix}/${rel}` }));
      mkdirSync(join(out, rel, ".."), { recursive: true });
      await pipeline(got.Body as NodeJS.ReadableStream, createWriteStream(join(out, rel)));
    });
  });
}

async function ours(storage: StorageClient, dir: string, archive: Archive): Promise<number> {
  const out = join(work, `ours-${randomUUID()}`);
  return time(async () => {
    const a = await uploadArtifact(dir, { storage, archive, cwd: dir });
    await downloadArtifact(a, { path: out });
  });
}

function cpR(dir: string): Promise<number> {
  return time(async () => execFileSync("cp", ["-r", dir, join(work, `cp-${randomUUID()}`)]));
}

async function emptyBucketPrefix(c: S3StorageClient, prefix: string): Promise<void> {
  for (;;) {
    const page = await c.s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: prefix }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await c.s3.send(new DeleteObjectsCommand({ Bucket: c.bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

const rows: string[][] = [];
const fmt = (s: number) => `${s.toFixed(2)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function bench(label: string, dir: string, s3: S3StorageClient | undefined): Promise<void> {
  const local = new LocalStorageClient(join(work, `store-${randomUUID()}`));
  const cp = await cpR(dir);
  const lt = await ours(local, dir, "tar");
  const ln = await ours(local, dir, null);
  rows.push([label, "local", `cp -r ${fmt(cp)}`, `${fmt(lt)} (${ratio(lt, cp)})`, `${fmt(ln)} (${ratio(ln, cp)})`]);
  console.error(rows.at(-1)!.join(" | "));
  rmSync(local.root, { recursive: true, force: true });
  if (!s3) return;
  const raw = await rawSdk(s3, dir, `${s3.prefix}/raw`);
  await emptyBucketPrefix(s3, `${s3.prefix}/`);
  const st = await ours(s3, dir, "tar");
  await emptyBucketPrefix(s3, `${s3.prefix}/`);
  const sn = await ours(s3, dir, null);
  await emptyBucketPrefix(s3, `${s3.prefix}/`);
  rows.push([label, "s3", `raw SDK ${fmt(raw)}`, `${fmt(st)} (${ratio(st, raw)})`, `${fmt(sn)} (${ratio(sn, raw)})`]);
  console.error(rows.at(-1)!.join(" | "));
}

const s3 = await benchS3Client();
if (!s3) console.error("[bench] no S3 endpoint answers: S3 rows skipped (scripts/services/start-rgw.sh starts one)");
console.error(`[bench] ${BIG_MIB} MiB file, ${FILES} files of 1 KiB; work dir ${work}`);
await bench(`1 file × ${BIG_MIB} MiB`, await makeBig(join(work, "big")), s3);
rmSync(join(work, "big"), { recursive: true, force: true });
await bench(`${FILES} files × 1 KiB`, makeSmall(join(work, "small")), s3);

console.log("\n| data | store | baseline (upload+download) | ours, tar.gz (ratio) | ours, archive none (ratio) |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
