import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { S3StorageClient, s3ConfigFromEnv, type S3Config } from "../../src/storage/index.ts";

/**
 * The S3 suites run against the radosgw that scripts/services/start-rgw.sh starts. Its settings
 * come from DFLOW_S3_* in the environment, else from the env file the script writes
 * (DFLOW_TEST_S3_ENV, default /tmp/dflow-services/ceph/s3.env). Without an answering endpoint
 * they are skipped, unless DFLOW_TEST_S3=1 (CI), where that is a failure.
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

async function answers(endpoint: string): Promise<boolean> {
  try {
    const url = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

export const s3Required = process.env.DFLOW_TEST_S3 === "1";
const cfg = testS3Config();
export const s3Available = !!cfg.endpoint && (await answers(cfg.endpoint));
export const s3SkipReason = cfg.endpoint
  ? `S3 endpoint ${cfg.endpoint} does not answer`
  : "no S3 endpoint configured";
const s3Message = `[storage tests] ${s3SkipReason}: S3 suites ${s3Required ? "FAIL (DFLOW_TEST_S3=1)" : "skipped"}; start one with scripts/services/start-rgw.sh`;
if (!s3Available) console.warn(s3Message);

/** describe() for suites that need S3: skipped without it, or one failing test when DFLOW_TEST_S3=1. */
export function describeS3(name: string, body: () => void): void {
  if (s3Available) describe(name, body);
  else if (s3Required) describe(name, () => it("needs the S3 endpoint", () => {
    throw new Error(s3Message);
  }));
  else describe.skip(`${name} (${s3SkipReason})`, body);
}

/** A client confined to a fresh prefix, so runs and suites never see each other's objects. */
export function newS3Client(options: { partSize?: number; concurrency?: number; prefix?: string } = {}): S3StorageClient {
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

/** A temporary directory removed after the file's tests. */
export function tempDir(label = "st"): string {
  const dir = mkdtempSync(join(tmpdir(), `dflow-${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
