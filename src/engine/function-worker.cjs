// Warm worker for function OPs (plain Node, CommonJS: the bundles it loads are plain CJS).
// The engine forks it with piped stdout/stderr and sends one step at a time:
//   { type: "run", id, bundle, env, cwd, marker }
// It chdirs to the step's workdir, exposes env (also through process.env for the call),
// awaits `require(bundle).runOp(env)`, then writes `marker` to stdout and stderr so the engine
// knows the step's output is complete, and replies { type: "done", id, exitCode }.
"use strict";

const baseEnv = { ...process.env };
const baseCwd = process.cwd();

function restoreEnv() {
  for (const k of Object.keys(process.env)) if (!(k in baseEnv)) delete process.env[k];
  Object.assign(process.env, baseEnv);
}

async function runStep(msg) {
  let exitCode = 1;
  try {
    process.chdir(msg.cwd);
    Object.assign(process.env, msg.env);
    const mod = require(msg.bundle);
    const runOp = mod && (typeof mod.runOp === "function" ? mod.runOp : mod.default && mod.default.runOp);
    if (typeof runOp !== "function") throw new Error(`bundle ${msg.bundle} does not export runOp(env)`);
    const code = await runOp({ ...process.env, ...msg.env });
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
  process.stdout.write(msg.marker);
  process.stderr.write(msg.marker);
  process.send({ type: "done", id: msg.id, exitCode });
}

process.on("message", (msg) => {
  if (msg && msg.type === "run") void runStep(msg);
});
process.on("disconnect", () => process.exit(0));
