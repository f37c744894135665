// Warm worker for function OPs (plain Node, CommonJS: the bundles it loads are plain CJS).
// The engine forks it (argv[2]: the token of its end-of-step marker) with piped stdout/stderr and sends one
// step at a time:
//   { type: "run", id, bundle, env, cwd, log, prepare }   (env: the step's variables on top of
//   the base env; prepare: { mkdir: [dirs], symlink: [target, path] } to do first)
// It prepares the step directory, creates the (empty) log file, chdirs to the step's workdir, sets env (through process.env for the call too), awaits
// `require(bundle).runOp(env)`, then writes the marker to stdout and stderr so the engine knows
// the step's output is complete, and replies { type: "done", id, exitCode }.
"use strict";

const marker = `\u0000DFLOW-STEP-END-${process.argv[2] || ""}\u0000`;
const fs = require("node:fs");
const baseCwd = process.cwd();
const baseEnv = { ...process.env };

/** Back to the base environment (also undoing whatever the OP itself changed), touching only what differs. */
function restoreEnv() {
  const env = process.env;
  for (const k of Object.keys(env)) {
    if (!(k in baseEnv)) delete env[k];
    else if (env[k] !== baseEnv[k]) env[k] = baseEnv[k];
  }
  for (const k in baseEnv) if (!(k in env)) env[k] = baseEnv[k];
}

async function runStep(msg) {
  let exitCode = 1;
  try {
    const prep = msg.prepare || {};
    for (const dir of prep.mkdir || []) fs.mkdirSync(dir, { recursive: true });
    if (prep.symlink) fs.symlinkSync(prep.symlink[0], prep.symlink[1]);
    if (msg.log) fs.closeSync(fs.openSync(msg.log, "a"));
    Object.assign(process.env, msg.env);
    process.chdir(msg.cwd);
    const mod = require(msg.bundle);
    const runOp = mod && (typeof mod.runOp === "function" ? mod.runOp : mod.default && mod.default.runOp);
    if (typeof runOp !== "function") throw new Error(`bundle ${msg.bundle} does not export runOp(env)`);
    const code = await runOp({ ...process.env });
    exitCode = typeof code === "number" ? code : 0;
  } catch (err) {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    exitCode = 1;
  } finally {
    restoreEnv();
    try {
      process.chdir(baseCwd);
    } catch {
      // the step directory may be gone
    }
  }
  process.stdout.write(marker);
  process.stderr.write(marker);
  process.send({ type: "done", id: msg.id, exitCode });
}

process.on("message", (msg) => {
  if (msg && msg.type === "run") void runStep(msg);
});
process.on("disconnect", () => process.exit(0));
