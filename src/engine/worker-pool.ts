// A pool of warm Node worker processes for function OPs: one step at a time per worker, bundles
// stay loaded (require cache) between steps. A worker that crashes, or whose step times out or is
// terminated, is killed (with its process group) and replaced on demand.
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { killGroup, RESULT_LIMIT, type ProcessResult } from "./process-runner.ts";

const WORKER_SCRIPT = fileURLToPath(new URL("./function-worker.cjs", import.meta.url));

export interface FunctionJob {
  /** Absolute path of the CommonJS bundle exporting runOp(env). */
  bundlePath: string;
  /** The step's variables, on top of the pool's base environment. */
  env: Record<string, string>;
  cwd: string;
  logPath: string;
  signal?: AbortSignal;
  /** Called with the pid of the worker process that runs the step. */
  onSpawn?: (pid: number) => void;
  /** Done by the worker before the step (off the engine's thread): mkdir -p each dir, then a symlink [target, path]. */
  prepare?: { mkdir?: string[]; symlink?: [string, string] };
}

interface ActiveJob {
  id: number;
  logPath: string;
  /** Opened on the first output (the worker creates the empty log file). */
  logFd: number | undefined;
  chunks: Buffer[];
  captured: number;
  markers: number;
  exitCode?: number;
  killed: boolean;
  resolve: (r: ProcessResult) => void;
}

const logFd = (job: ActiveJob): number => (job.logFd ??= openSync(job.logPath, "a"));

/** Splits a byte stream at a marker that may arrive cut across chunks. */
class MarkerStream {
  private pending = Buffer.alloc(0);
  constructor(private readonly marker: Buffer) {}

  /** Returns the bytes safe to pass on and whether the marker was seen (bytes after it are dropped). */
  push(chunk: Buffer): { data: Buffer; found: boolean } {
    const buf = Buffer.concat([this.pending, chunk]);
    const at = buf.indexOf(this.marker);
    if (at >= 0) {
      this.pending = Buffer.alloc(0);
      return { data: buf.subarray(0, at), found: true };
    }
    const keep = Math.min(buf.length, this.marker.length - 1);
    this.pending = buf.subarray(buf.length - keep);
    return { data: buf.subarray(0, buf.length - keep), found: false };
  }

  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}

class Worker {
  private readonly token = randomBytes(8).toString("hex");
  readonly marker = `\u0000DFLOW-STEP-END-${this.token}\u0000`;
  readonly child: ChildProcess;
  job: ActiveJob | undefined;
  dead = false;
  private readonly out: MarkerStream;
  private readonly err: MarkerStream;

  constructor(env: Record<string, string>, onExit: (w: Worker) => void) {
    this.child = fork(WORKER_SCRIPT, [this.token], { execArgv: [], env, silent: true, detached: true, serialization: "json" });
    this.out = new MarkerStream(Buffer.from(this.marker));
    this.err = new MarkerStream(Buffer.from(this.marker));
    this.child.stdout!.on("data", (c: Buffer) => this.onData(c, this.out, true));
    this.child.stderr!.on("data", (c: Buffer) => this.onData(c, this.err, false));
    this.child.on("message", (msg: { type?: string; id?: number; exitCode?: number }) => {
      if (msg?.type === "done" && this.job && msg.id === this.job.id) {
        this.job.exitCode = msg.exitCode ?? 1;
        this.maybeFinish();
      }
    });
    this.child.on("exit", () => {
      this.dead = true;
      killGroup(this.child.pid, "SIGKILL"); // anything the step left running
    });
    // "close" comes after the exit and after stdout/stderr are drained, so no output is lost.
    this.child.on("close", (code, signal) => {
      this.dead = true;
      const job = this.job;
      if (job) {
        for (const s of [this.out, this.err]) this.write(job, s.flush(), s === this.out);
        if (job.exitCode === undefined) {
          job.exitCode = code ?? 137;
          if (!job.killed)
            writeSync(logFd(job), `function-OP worker exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})\n`);
        }
        job.markers = 2;
        this.maybeFinish();
      }
      onExit(this);
    });
  }

  private onData(chunk: Buffer, stream: MarkerStream, isStdout: boolean): void {
    const job = this.job;
    if (!job) return;
    const { data, found } = stream.push(chunk);
    this.write(job, data, isStdout);
    if (found) {
      job.markers++;
      this.maybeFinish();
    }
  }

  private write(job: ActiveJob, data: Buffer, isStdout: boolean): void {
    if (data.length === 0) return;
    writeSync(logFd(job), data);
    if (isStdout && job.captured < RESULT_LIMIT) {
      const part = data.subarray(0, RESULT_LIMIT - job.captured);
      job.chunks.push(part);
      job.captured += part.length;
    }
  }

  private maybeFinish(): void {
    const job = this.job;
    if (!job || job.exitCode === undefined || job.markers < 2) return;
    this.job = undefined;
    if (job.logFd !== undefined) closeSync(job.logFd);
    job.resolve({ exitCode: job.exitCode, stdout: Buffer.concat(job.chunks).toString("utf8"), killed: job.killed });
  }

  kill(): void {
    if (!this.dead) killGroup(this.child.pid, "SIGKILL");
  }
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly queue: ((w: Worker) => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly env: Record<string, string>,
  ) {}

  /** Number of live worker processes (for tests and diagnostics). */
  get workerCount(): number {
    return this.all.size;
  }

  workerPids(): number[] {
    return [...this.all].map((w) => w.child.pid ?? 0);
  }

  async run(job: FunctionJob): Promise<ProcessResult> {
    const worker = await this.acquire();
    const result = await new Promise<ProcessResult>((resolve) => {
      const active: ActiveJob = {
        id: this.nextId++,
        logPath: job.logPath,
        logFd: undefined,
        chunks: [],
        captured: 0,
        markers: 0,
        killed: false,
        resolve,
      };
      worker.job = active;
      const onAbort = () => {
        active.killed = true;
        worker.kill();
      };
      if (job.signal?.aborted) onAbort();
      else job.signal?.addEventListener("abort", onAbort, { once: true });
      const origResolve = active.resolve;
      active.resolve = (r) => {
        job.signal?.removeEventListener("abort", onAbort);
        origResolve(r);
      };
      if (worker.child.pid !== undefined) job.onSpawn?.(worker.child.pid);
      worker.child.send({ type: "run", id: active.id, bundle: job.bundlePath, env: job.env, cwd: job.cwd, log: job.logPath, prepare: job.prepare });
    });
    this.release(worker);
    return result;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.all.size < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(worker: Worker): void {
    if (worker.dead || this.closed) return this.handOff();
    const waiter = this.queue.shift();
    if (waiter) waiter(worker);
    else this.idle.push(worker);
  }

  /** A slot freed up (worker died): give a fresh worker to the next waiter. */
  private handOff(): void {
    if (this.closed) return;
    const waiter = this.queue.shift();
    if (waiter && this.all.size < this.size) waiter(this.spawn());
    else if (waiter) this.queue.unshift(waiter);
  }

  private spawn(): Worker {
    const w = new Worker(this.env, (dead) => {
      this.all.delete(dead);
      const i = this.idle.indexOf(dead);
      if (i >= 0) this.idle.splice(i, 1);
      if (!dead.job) this.handOff();
    });
    this.all.add(w);
    return w;
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.all].map((w) => new Promise<void>((resolve) => (w.child.exitCode !== null || w.child.signalCode !== null ? resolve() : w.child.once("close", () => resolve()))));
    for (const w of this.all) w.kill();
    await Promise.all(exits);
  }
}
