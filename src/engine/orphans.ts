// Processes an interrupted run left behind. Every step process (and function-OP worker) of a run
// carries DFLOW_RUN_DIR=<run dir> in its environment, so a resume can find the ones still alive
// even when the engine died before journaling their pids; the journaled pid + start time
// (/proc/<pid>/stat) covers hosts without /proc/<pid>/environ. They are killed with their
// process groups, and their steps run again.
import { readdirSync, readFileSync } from "node:fs";
import type { ProcessInfo } from "./journal.ts";

export const RUN_DIR_ENV = "DFLOW_RUN_DIR";

/** Start time (clock ticks since boot) of a live process, undefined if it is gone (or a zombie). */
export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** Is the process that `info` describes still the same live process? */
export function stillAlive(info: ProcessInfo): boolean {
  if (info.pid <= 1) return false;
  const start = processStart(info.pid);
  if (start !== undefined) return info.start === undefined || info.start === start;
  if (process.platform === "linux") return false;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch {
    return false;
  }
}

function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isFinite(pgrp) ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

/** Live processes whose environment names this run directory (Linux). */
export function processesOfRun(runDir: string): number[] {
  const needle = Buffer.from(`\0${RUN_DIR_ENV}=${runDir}\0`);
  const first = Buffer.from(`${RUN_DIR_ENV}=${runDir}\0`);
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (env.indexOf(needle) >= 0 || env.subarray(0, first.length).equals(first)) out.push(pid);
  }
  return out;
}

const kill = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
};

/**
 * Kill (SIGKILL, with their process groups) every process of the run still alive: those found
 * by environment and the journaled ones that are still the same process. Waits until they are
 * gone (at most `waitMs`). Returns the pids killed.
 */
export async function killOrphans(runDir: string, recorded: Iterable<ProcessInfo>, waitMs = 5000): Promise<number[]> {
  const targets = new Set<number>(processesOfRun(runDir));
  for (const info of recorded) if (info.pid !== process.pid && stillAlive(info)) targets.add(info.pid);
  const ownGroup = processGroup(process.pid);
  for (const pid of targets) {
    const pgrp = processGroup(pid);
    if (pgrp !== undefined && pgrp > 1 && pgrp !== ownGroup) kill(-pgrp, "SIGKILL");
    kill(pid, "SIGKILL");
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = [...targets].filter((pid) => processStart(pid) !== undefined);
    if (left.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return [...targets];
}
