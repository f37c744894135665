import { existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { S3StorageClient, s3ConfigFromEnv } from "../../src/storage/index.ts";

/** The S3 store to benchmark: DFLOW_S3_* or the env file start-rgw.sh writes; undefined if it does not answer. */
export async function benchS3Client(): Promise<S3StorageClient | undefined> {
  const file = process.env.DFLOW_TEST_S3_ENV || "/tmp/dflow-services/ceph/s3.env";
  const fromFile: Record<string, string> = {};
  if (!process.env.DFLOW_S3_ENDPOINT && existsSync(file))
    for (const m of readFileSync(file, "utf8").matchAll(/^(?:export\s+)?([A-Z0-9_]+)=(.*)$/gm)) fromFile[m[1]!] = m[2]!;
  const cfg = s3ConfigFromEnv({ ...fromFile, ...process.env });
  if (!cfg.endpoint) return undefined;
  const url = /^[a-z]+:\/\//.test(cfg.endpoint) ? cfg.endpoint : `${cfg.secure ? "https" : "http"}://${cfg.endpoint}`;
  const up = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
  if (!up) return undefined;
  const c = new S3StorageClient({
    endpoint: cfg.endpoint, bucket: cfg.bucket, region: cfg.region, pathStyle: cfg.pathStyle, secure: cfg.secure,
    prefix: `bench-${randomUUID()}`,
    ...(cfg.accessKey ? { accessKey: cfg.accessKey } : {}),
    ...(cfg.secretKey ? { secretKey: cfg.secretKey } : {}),
  });
  await c.ensureBucket();
  return c;
}
