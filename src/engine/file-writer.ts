// Writes the record's step files (type, phase, parameter files) on a worker thread, in batches:
// the engine's main thread only builds a list of operations and posts it, so metadata-heavy file
// creation (slow on some filesystems) runs on another core, off the scheduler's critical path.
import { Worker } from "node:worker_threads";

/** mkdir -p | write a file | write a file atomically (temp + rename). */
export type FileOp = ["mkdir", string] | ["write", string, string] | ["replace", string, string];

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
parentPort.on("message", ({ id, ops }) => {
  let error;
  for (const [kind, path, data] of ops) {
    try {
      if (kind === "mkdir") fs.mkdirSync(path, { recursive: true });
      else if (kind === "write") fs.writeFileSync(path, data);
      else {
        const tmp = path + ".tmp-" + process.pid;
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, path);
      }
    } catch (e) {
      error ??= (e && e.message) || String(e);
    }
  }
  parentPort.postMessage({ id, error });
});
`;

export class FileWriter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (error: string | undefined) => void>();

  /** Run the operations in order (a failing one does not stop the rest); resolves with the first error. */
  run(ops: FileOp[]): Promise<string | undefined> {
    if (ops.length === 0) return Promise.resolve(undefined);
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (this.waiting.size === 1) w.ref();
      w.postMessage({ id, ops });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on("message", ({ id, error }: { id: number; error?: string }) => {
      const done = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) w.unref();
      done?.(error);
    });
    w.on("error", (e) => this.failAll(e.message));
    w.on("exit", () => {
      this.worker = undefined;
      this.failAll("file writer stopped");
    });
    this.worker = w;
    return w;
  }

  private failAll(message: string): void {
    for (const done of this.waiting.values()) done(message);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
