// Runs one pod step as a host process in its own process group, so that a timeout or a terminate
// kills everything it started. Like a container, the step ends when its main process exits: any
// background processes left in its group are killed then.
import { spawn } from "node:child_process";
import { accessSync, closeSync, constants, open, openSync, writeSync } from "node:fs";
import { promisify } from "node:util";
import { delimiter, isAbsolute, join } from "node:path";

export const RESULT_LIMIT = 256 * 1024;
const KILL_GRACE_MS = 2000;

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** stdout and stderr are appended here. */
  logPath: string;
  /** Kill the process when this signal aborts (timeout, terminate). */
  signal?: AbortSignal;
  /** Called with the pid right after the process started. */
  onSpawn?: (pid: number) => void;
}

export interface ProcessResult {
  exitCode: number;
  /** First RESULT_LIMIT bytes of stdout. */
  stdout: string;
  /** Set when the process could not be started at all. */
  spawnError?: string;
  killed: boolean;
}

/** Find an executable on PATH; `python` falls back to `python3` as images provide both. */
export function resolveExecutable(command: string, path = process.env.PATH ?? ""): string | undefined {
  const candidates = command === "python" ? ["python", "python3"] : [command];
  for (const c of candidates) {
    if (c.includes("/")) {
      if (isExecutable(c)) return c;
      continue;
    }
    for (const dir of path.split(delimiter)) if (dir && isExecutable(join(dir, c))) return join(dir, c);
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** open(2) on libuv's thread pool: creating a file costs the main thread nothing. */
export const openFd = promisify(open) as (path: string, flags: string) => Promise<number>;

export async function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const exe = isAbsolute(spec.command) ? spec.command : resolveExecutable(spec.command, spec.env.PATH);
  if (!exe) {
    const message = `executable "${spec.command}" not found on this host (container images are not used locally)`;
    writeLog(spec.logPath, message + "\n");
    return Promise.resolve({ exitCode: 127, stdout: "", spawnError: message, killed: false });
  }
  const logFd = await openFd(spec.logPath, "a");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let captured = 0;
    let killed = false;
    let exitCode = -1;
    const child = spawn(exe, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", "pipe", logFd],
      argv0: spec.command,
    });
    if (child.pid !== undefined) spec.onSpawn?.(child.pid);
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      killed = true;
      killGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
    };
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout!.on("data", (chunk: Buffer) => {
      writeSync(logFd, chunk);
      if (captured < RESULT_LIMIT) {
        chunks.push(chunk.subarray(0, RESULT_LIMIT - captured));
        captured += Math.min(chunk.length, RESULT_LIMIT - captured);
      }
    });
    child.on("exit", (code, sig) => {
      exitCode = code ?? 128 + signalNumber(sig);
      killGroup(child.pid, "SIGKILL");
    });
    let spawnError: string | undefined;
    let finished = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      if (exitCode === -1) exitCode = code ?? (sig ? 128 + signalNumber(sig) : 1);
      clearTimeout(killTimer);
      spec.signal?.removeEventListener("abort", onAbort);
      if (spawnError) writeSync(logFd, spawnError + "\n");
      closeSync(logFd);
      resolve({
        exitCode: spawnError ? 127 : exitCode,
        stdout: Buffer.concat(chunks).toString("utf8"),
        killed,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.on("error", (err) => {
      spawnError = `cannot start "${spec.command}": ${err.message}`;
      if (child.pid === undefined) finish(127, null);
    });
    child.on("close", finish);
  });
}

function signalNumber(sig: NodeJS.Signals | null): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return sig ? (table[sig] ?? 0) : 0;
}

export function writeLog(path: string, text: string): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
