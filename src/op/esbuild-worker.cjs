// esbuild in a worker thread, for esbuild-sync.ts: esbuild's buildSync takes no plugins, and
// bundling stays synchronous (compile() is). Plain CommonJS, so it needs no TS loader.
// workerData: { signal: Int32Array over a SharedArrayBuffer, port: MessagePort }. For each request
// { options, zodLocales } on the port it builds, replies { ok: true, text } or
// { ok: false, message, errors }, then sets signal[0] = 1 and wakes the waiting thread.
"use strict";

const { workerData } = require("node:worker_threads");
const { zodLocalesPlugin } = require("./zod-locales.cjs");

const { signal, port } = workerData;

async function build(request) {
  try {
    const esbuild = require("esbuild");
    const plugins = request.zodLocales === "stub" ? [zodLocalesPlugin()] : [];
    const result = await esbuild.build({ ...request.options, write: false, plugins });
    return { ok: true, text: result.outputFiles[0].text };
  } catch (err) {
    const errors = (err && err.errors) || [];
    return {
      ok: false,
      message: String((err && err.message) || err),
      errors: errors.map((e) => ({ text: e.text, location: e.location ? { file: e.location.file, line: e.location.line, lineText: e.location.lineText } : null })),
    };
  }
}

port.on("message", async (request) => {
  port.postMessage(await build(request));
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
