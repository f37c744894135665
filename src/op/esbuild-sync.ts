// esbuild's build() with plugins, called synchronously: bundling happens inside compile(), which is
// synchronous, and esbuild's own buildSync takes no plugins. One worker thread (esbuild-worker.cjs)
// runs the builds, started on first use and unref'd; this thread waits on a shared flag.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { BuildOptions } from "esbuild";

export interface BuildMessage {
  text: string;
  location: { file: string; line: number; lineText: string } | null;
}

/** A failed build, with esbuild's messages (the shape of esbuild's own BuildFailure). */
export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly errors: BuildMessage[],
  ) {
    super(message);
  }
}

/** Options that cross to the worker: plain data only (no plugins, no functions). */
export type PlainBuildOptions = Omit<BuildOptions, "plugins" | "write">;

/** "stub": zod's non-English locales are left out (see zod-locales.cjs); "keep": bundled. */
export type ZodLocales = "stub" | "keep";

interface Channel {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

const WORKER = new URL("./esbuild-worker.cjs", import.meta.url);
const TIMEOUT_MS = 300_000;
let channel: Channel | undefined;

function start(): Channel {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  // No inherited loaders (tsx, vitest): the worker is plain CommonJS.
  const worker = new Worker(WORKER, { workerData: { signal, port: port2 }, transferList: [port2], execArgv: [] });
  worker.unref();
  port1.unref();
  worker.on("exit", () => {
    if (channel?.worker === worker) channel = undefined;
  });
  return { worker, port: port1, signal };
}

/** The text of the single output file; throws BuildFailure when esbuild reports errors. */
export function buildWithPlugins(options: PlainBuildOptions, zodLocales: ZodLocales): string {
  const c = (channel ??= start());
  Atomics.store(c.signal, 0, 0);
  c.port.postMessage({ options, zodLocales });
  const waited = Atomics.wait(c.signal, 0, 0, TIMEOUT_MS);
  const reply = receiveMessageOnPort(c.port)?.message as { ok: true; text: string } | { ok: false; message: string; errors: BuildMessage[] } | undefined;
  if (!reply) {
    channel = undefined;
    void c.worker.terminate();
    throw new Error(waited === "timed-out" ? `esbuild gave no answer within ${TIMEOUT_MS / 1000} s` : "esbuild's worker thread gave no answer");
  }
  if (!reply.ok) throw new BuildFailure(reply.message, reply.errors);
  return reply.text;
}
