// A full disk (or a permission error) while a step's outputs are saved fails that step with a
// clear message and leaves the run resumable: once there is room again, `resume` re-runs the step.
// The disk is a tiny tmpfs mounted for the test (needs root); without root, the failure is
// injected with a read-only directory (chmod) instead.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readWorkflowRecord, resumeWorkflow, startWorkflow } from "../../src/engine/index.ts";
import { sh, step, workflow } from "../engine/helpers.ts";

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];

function tinyDisk(sizeKb: number): string | undefined {
  if (!isRoot) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "dflow-tiny-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync("umount", ["-l", m], { stdio: "ignore" });
    } catch {
      // already gone
    }
  }
});

const bigOutput = (kb: number) =>
  workflow("main", [
    { name: "main", steps: [[{ name: "small", template: "small" }], [{ name: "big", template: "big" }]] },
    sh("small", "mkdir -p /out && echo ok > /out/o", { outputs: { parameters: [{ name: "o", valueFrom: { path: "/out/o" } }] } }),
    sh("big", `mkdir -p /out && head -c ${kb * 1024} /dev/zero > /out/big`, { outputs: { artifacts: [{ name: "big", path: "/out/big" }] } }),
  ]);

describe("disk full while saving outputs", () => {
  it.skipIf(!isRoot)("fails the step with a clear message; resume re-runs it once there is room", { timeout: 60_000 }, async () => {
    const disk = tinyDisk(3072);
    if (!disk) return; // cannot mount here
    const filler = join(disk, "filler");
    writeFileSync(filler, Buffer.alloc(1200 * 1024));
    // the step writes 1 MiB in its workdir (fits); saving it as an output artifact needs 1 MiB more (does not)
    const result = await startWorkflow(bigOutput(1024), { root: disk, id: "full", parallelism: 1 }).done;
    expect(result.phase).toBe("Failed");
    const big = step(result, "big");
    expect(big.phase).toBe("Error");
    expect(big.message).toMatch(/templates\.big\.outputs\.artifacts\.big: cannot save: .*ENOSPC|no space left on device/);
    expect(big.message).not.toMatch(/\n\s+at /); // no stack trace
    console.log(`output on a full disk: ${big.message}`);
    expect(step(result, "small").phase).toBe("Succeeded");
    expect(readWorkflowRecord(result.dir).phase).toBe("Failed");

    rmSync(filler);
    const resumed = await (await resumeWorkflow(result.dir, { parallelism: 1 })).done;
    expect(resumed.phase).toBe("Succeeded");
    expect(step(resumed, "small").finishedAt).toBe(step(result, "small").finishedAt); // not run again
    expect(step(resumed, "big").outputs.artifacts.big).toBeTruthy();
  });

  it.skipIf(!isRoot)("a full disk for the journal itself ends the run with a clear message, resumable", { timeout: 60_000 }, async () => {
    const disk = tinyDisk(256);
    if (!disk) return;
    const wf = workflow("main", [
      { name: "main", steps: [[{ name: "a", template: "a" }], [{ name: "fill", template: "fill" }], [{ name: "c", template: "a" }]] },
      sh("a", "echo a"),
      sh("fill", `head -c 400000 /dev/zero > "$FILL" || true`),
    ]);
    const fill = join(disk, "fill");
    const result = await startWorkflow(wf, { root: disk, id: "j", parallelism: 1, env: { FILL: fill } }).done;
    console.log(`journal on a full disk: ${result.phase}: ${result.message}`);
    expect(result.phase).not.toBe("Succeeded");
    expect(result.message).toMatch(/cannot write the run's journal .*ENOSPC|cannot prepare the step .*ENOSPC/);
    expect(result.message).not.toMatch(/\n\s+at /);
    rmSync(fill, { force: true });
    const resumed = await (await resumeWorkflow(result.dir, { parallelism: 1, env: { FILL: "/dev/null" } })).done;
    expect(resumed.phase).toBe("Succeeded");
  });

  it.skipIf(isRoot)("a read-only output directory (chmod) fails the step clearly; resume re-runs it", async () => {
    const root = mkdtempSync(join(tmpdir(), "dflow-ro-"));
    const wf = workflow("main", [
      { name: "main", steps: [[{ name: "big", template: "big" }]] },
      sh("big", `mkdir -p /out && echo x > /out/big && chmod 555 "$RUNDIR/big"`, { outputs: { artifacts: [{ name: "big", path: "/out/big" }] } }),
    ]);
    mkdirSync(join(root, "ro"), { recursive: true });
    const result = await startWorkflow(wf, { root, id: "ro", env: { RUNDIR: join(root, "ro") } }).done;
    expect(step(result, "big").message).toMatch(/cannot save: .*EACCES/);
    chmodSync(join(root, "ro", "big"), 0o755);
    const resumed = await (await resumeWorkflow(result.dir, { env: { RUNDIR: "/nonexistent" } })).done;
    expect(resumed.phase).toBe("Succeeded");
  });
});
