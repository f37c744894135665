import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import type { S3StorageClient } from "../../src/storage/index.ts";
import { answers, deleteAll, makeS3Client, testS3Config } from "./s3-env.ts";

/**
 * S3 suites run against radosgw (see s3-env.ts). Without an answering endpoint they are skipped,
 * unless DFLOW_TEST_S3=1 (CI), where that is a failure.
 */
export const s3Required = process.env.DFLOW_TEST_S3 === "1";
const cfg = testS3Config();
export const s3Available = !!cfg.endpoint && (await answers(cfg.endpoint));
export const s3SkipReason = cfg.endpoint ? `S3 endpoint ${cfg.endpoint} does not answer` : "no S3 endpoint configured";
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

const created: S3StorageClient[] = [];
afterAll(async () => {
  if (s3Available) await Promise.all(created.map(deleteAll));
});

/** A client on a fresh prefix, emptied after the file's tests. */
export function newS3Client(options: Parameters<typeof makeS3Client>[0] = {}): S3StorageClient {
  const c = makeS3Client(options);
  created.push(c);
  return c;
}

/** A temporary directory removed after the file's tests. */
export function tempDir(label = "st"): string {
  const dir = mkdtempSync(join(tmpdir(), `dflow-${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
