// Child process of memory.test.ts: round-trips one large file through a store and reports the
// growth of its resident set size (RSS) over the baseline taken once everything is loaded.
// Usage: node --import tsx memory-child.ts <local|s3> <file|artifact> <MiB> <workdir>
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { LocalStorageClient, loadArtifact, md5File, S3StorageClient, saveArtifact, type StorageClient } from "../../src/storage/index.ts";
import { deleteAll, makeS3Client } from "./s3-env.ts";

const [kind, mode, mibArg, work] = process.argv.slice(2) as [string, string, string, string];
const mib = Number(mibArg);

async function writeBigFile(path: string): Promise<void> {
  const block = randomBytes(1 << 20); // a random MiB, repeated: gzip's 32 KiB window cannot shrink it
  const ws = createWriteStream(path);
  for (let i = 0; i < mib; i++) if (!ws.write(block)) await once(ws, "drain");
  ws.end();
  await once(ws, "finish");
}

const client: StorageClient = kind === "s3" ? makeS3Client() : new LocalStorageClient(join(work, "store"));
const src = join(work, "big.bin");
await writeBigFile(src);
const md5 = await md5File(src);
global.gc?.();
await new Promise((r) => setTimeout(r, 200));
const base = process.memoryUsage().rss;
let peak = base;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

const t0 = performance.now();
if (mode === "file") {
  await client.upload("mem/big.bin", src, { md5 });
  await client.download("mem/big.bin", join(work, "back.bin"));
} else {
  await saveArtifact(client, src, "mem/big.bin.tgz");
  await loadArtifact(client, "mem/big.bin.tgz", join(work, "back.bin"));
}
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const ok = (await md5File(join(work, "back.bin"))) === md5;
if (client instanceof S3StorageClient) await deleteAll(client);
console.log(JSON.stringify({ kind, mode, mib, seconds, baseMiB: base / 2 ** 20, growthMiB: (peak - base) / 2 ** 20, ok }));
