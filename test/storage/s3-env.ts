import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { S3StorageClient, s3ConfigFromEnv, type S3Config } from "../../src/storage/index.ts";

/**
 * The S3 the tests use: the radosgw that scripts/services/start-rgw.sh starts. Its settings come
 * from DFLOW_S3_* in the environment, else from the env file the script writes
 * (DFLOW_TEST_S3_ENV, default /tmp/dflow-services/ceph/s3.env). No vitest here: child processes
 * of the tests import this too.
 */
export const S3_ENV_FILE = process.env.DFLOW_TEST_S3_ENV || "/tmp/dflow-services/ceph/s3.env";

function envFromFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^["']|["']$/g, "");
  }
  return out;
}

export function testS3Config(): S3Config {
  const env = process.env.DFLOW_S3_ENDPOINT ? process.env : { ...envFromFile(S3_ENV_FILE), ...process.env };
  return s3ConfigFromEnv(env);
}

export async function answers(endpoint: string): Promise<boolean> {
  try {
    const url = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

/** A client confined to a fresh prefix, so runs and suites never see each other's objects. */
export function makeS3Client(options: { partSize?: number; concurrency?: number; prefix?: string } = {}): S3StorageClient {
  const cfg = testS3Config();
  return new S3StorageClient({
    endpoint: cfg.endpoint!,
    bucket: cfg.bucket,
    ...(cfg.accessKey ? { accessKey: cfg.accessKey } : {}),
    ...(cfg.secretKey ? { secretKey: cfg.secretKey } : {}),
    region: cfg.region,
    pathStyle: cfg.pathStyle,
    secure: cfg.secure,
    prefix: options.prefix ?? `test-${randomUUID()}`,
    ...(options.partSize ? { partSize: options.partSize } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

/** Deletes every object under the client's prefix (radosgw's memstore keeps them in RAM). */
export async function deleteAll(c: S3StorageClient): Promise<void> {
  for (;;) {
    const page = await c.s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: `${c.prefix}/` }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) return;
    await c.s3.send(new DeleteObjectsCommand({ Bucket: c.bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}
