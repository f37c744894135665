// Cancels a step's job when the engine kills the warm worker running it.
//
// The local engine stops a function-kind step (terminate, timeout) by SIGKILLing its worker's
// process group, so the client cannot cancel in a signal handler. Each worker therefore starts,
// on its first job, one detached guardian process (the same bundle, run with --dflow-guardian),
// tells it through a pipe which jobs are running, and when that pipe closes (the worker is gone)
// the guardian cancels them: but only if the engine is still alive. If the engine died too (a
// crash, kill -9), the jobs keep running so that a restarted engine re-attaches to them.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import type { SubmittedJob } from "./run-job.ts";
import { connect } from "./ssh.ts";

export const GUARDIAN_FLAG = "--dflow-guardian";

type Message = { op: "watch"; token: string; job: SubmittedJob } | { op: "unwatch"; token: string };

const GUARDIAN = Symbol.for("dflow-ts.executors.guardian");

/** The worker's guardian (process-wide, like the connection cache), started on first use. */
function guardian(bundleFile: string): ChildProcess {
  const g = globalThis as { [GUARDIAN]?: ChildProcess };
  const existing = g[GUARDIAN];
  if (existing && existing.exitCode === null && existing.stdin?.writable) return existing;
  const child = spawn(process.execPath, [bundleFile, GUARDIAN_FLAG, String(process.ppid)], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.unref();
  (child.stdin as Socket).unref();
  child.stdin!.on("error", () => undefined);
  g[GUARDIAN] = child;
  return child;
}

/** Watches a job from a warm worker; returns the function that stops watching it. */
export function watchJob(bundleFile: string, job: SubmittedJob): () => void {
  const child = guardian(bundleFile);
  const token = randomUUID();
  const send = (m: Message) => child.stdin!.write(JSON.stringify(m) + "\n");
  send({ op: "watch", token, job });
  return () => send({ op: "unwatch", token });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The guardian process itself. */
export async function guardianMain(enginePid: number): Promise<void> {
  const jobs = new Map<string, SubmittedJob>();
  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const m = JSON.parse(line) as Message;
        if (m.op === "watch") jobs.set(m.token, m.job);
        else jobs.delete(m.token);
      } catch {
        // a torn last line when the worker died mid-write
      }
    }
  });
  await new Promise<void>((resolve) => process.stdin.on("end", resolve).on("close", resolve));
  // Give a dying engine the moment it needs to go, so that a crash is not taken for a terminate.
  await new Promise((r) => setTimeout(r, 200));
  if (jobs.size && alive(enginePid)) {
    await Promise.allSettled([...jobs.values()].map(async (job) => (await connect(job.connection)).exec(job.cancel)));
  }
  process.exit(0);
}
