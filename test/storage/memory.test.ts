// Large files stream through the stores: memory stays bounded whatever the size. Each case runs
// in a child process so that the RSS measured is that of the transfer alone.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { s3Available, s3Required } from "./helpers.ts";

const run = promisify(execFile);
const BIG = process.env.DFLOW_TEST_BIG === "1"; // opt-in: 2 GiB cases (about a minute each)
/** Parts in flight (4 × 16 MiB), the stream buffers and the SDK: well under this. */
const LIMIT_MIB = 160;

interface Report { seconds: number; growthMiB: number; ok: boolean }

async function roundTrip(kind: string, mode: string, mib: number): Promise<Report> {
  const work = mkdtempSync(join(tmpdir(), "dflow-mem-"));
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(import.meta.dirname, "memory-child.ts"), kind, mode, String(mib), work], {
      maxBuffer: 1 << 20,
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: "1" },
    });
    const report = JSON.parse(stdout.trim().split("\n").pop()!) as Report;
    console.log(`[memory] ${kind} ${mode} ${mib} MiB: ${report.seconds.toFixed(1)} s, RSS +${report.growthMiB.toFixed(0)} MiB`);
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const kinds = ["local", ...(s3Available || s3Required ? ["s3"] : [])];
const sizes = [256, ...(BIG ? [2048] : [])];

describe.each(kinds)("bounded memory on the %s store", (kind) => {
  describe.each(sizes)("%i MiB", (mib) => {
    it.each(["file", "artifact"])("%s round trip", async (mode) => {
      const r = await roundTrip(kind, mode, mib);
      expect(r.ok).toBe(true);
      expect(r.growthMiB).toBeLessThan(LIMIT_MIB);
    }, 600_000);
  });
});
