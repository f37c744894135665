// Leaf steps (container and script templates, and function OPs): stage inputs in the step's private
// root, render and run the command, then collect outputs the way Argo's wait container does.
import { NotFoundError } from "../storage/client.ts";
import { saveArtifact } from "../storage/transfer.ts";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ANNOTATION, ENV, RESUME_STATE_FILE, shippedBundle } from "../argo/dflow-conventions.ts";
import type { Template } from "../argo/manifest.ts";
import { functionBundle, loadArtifactValue } from "./bundles.ts";
import { stopMessage, type RunContext } from "./context.ts";
import { NodeError, errorMessage } from "./errors.ts";
import { finishNode, markRunning, type Invocation } from "./execute.ts";
import { stringify, type ResolvedInputs } from "./io.ts";
import type { NodeState } from "./journal.ts";
import { containerPathMap, functionPathMap, type PathMap } from "./paths.ts";
import { runProcess, writeLog, type ProcessResult } from "./process-runner.ts";
import type { NodeOutcome, ResolvedOutputs, Scope } from "./scope.ts";

const PROGRESS_POLL_MS = 500;

export async function runPod(
  ctx: RunContext,
  inv: Invocation,
  node: NodeState,
  tmpl: Template,
  inputs: ResolvedInputs,
  scope: Scope,
): Promise<NodeOutcome> {
  try {
    return await runPodOnce(ctx, inv, node, tmpl, inputs, scope);
  } catch (e) {
    // A file the step needs cannot be made (disk full, permissions): that step fails, clearly.
    if (e instanceof NodeError || !(e as NodeJS.ErrnoException).code) throw e;
    throw new NodeError(`templates.${tmpl.name}: cannot prepare the step in ${ctx.record.stepDir(node)}: ${errorMessage(e)}`);
  }
}

async function runPodOnce(
  ctx: RunContext,
  inv: Invocation,
  node: NodeState,
  tmpl: Template,
  inputs: ResolvedInputs,
  scope: Scope,
): Promise<NodeOutcome> {
  const release = await ctx.podSlots.acquire();
  try {
    if (inv.signal.aborted) return finishNode(ctx, node, "Failed", stopMessage(inv.signal));
    markRunning(ctx, node);
    const stepDir = ctx.record.stepDir(node);
    if (ctx.record.previous.get(node.id)?.dir) {
      // Resuming: what the interrupted attempt left behind must not be taken for this one's outputs,
      // except the state a step keeps to re-attach to remote work (RESUME_STATE_FILE).
      const kept = await readFile(join(stepDir, "workdir", RESUME_STATE_FILE)).catch(() => undefined);
      await rm(stepDir, { recursive: true, force: true });
      ctx.record.resetStepDir(node);
      if (kept) {
        await mkdir(join(stepDir, "workdir"), { recursive: true });
        await writeFile(join(stepDir, "workdir", RESUME_STATE_FILE), kept);
      }
    }
    const workdir = join(stepDir, "workdir");
    const isFunction = tmpl.metadata?.annotations?.[ANNOTATION.opKind] === "function";
    // A function OP's worker makes its directories itself (off the engine's thread).
    if (!isFunction) await ctx.record.makeStepDir(node, join("workdir", "tmp"));
    const c = tmpl.script ?? tmpl.container!;
    const declared = [
      ...(tmpl.inputs?.artifacts ?? []).map((a) => a.path ?? ""),
      ...(tmpl.outputs?.parameters ?? []).map((p) => p.valueFrom?.path ?? ""),
      ...(tmpl.outputs?.artifacts ?? []).map((a) => a.path ?? ""),
      c.workingDir ?? "",
    ];
    const paths = isFunction ? functionPathMap(stepDir, workdir) : containerPathMap(workdir, declared);
    const where = `templates.${tmpl.name}`;

    // A bundle shipped as an artifact is not staged: the worker requires it from the run's bundles.
    const bundleArtifact = isFunction ? shippedBundle(tmpl)?.artifact.name : undefined;
    if (tmpl.inputs?.artifacts?.some((a) => a.name !== bundleArtifact)) {
      node.inputs.artifacts = await stageInputArtifacts(ctx, tmpl, inputs, paths, stepDir, bundleArtifact);
      ctx.record.updateNode(node.id, { inputs: node.inputs });
    }

    const podVars: Record<string, string> = { "pod.name": node.id, "node.name": node.fullName };
    for (const a of tmpl.inputs?.artifacts ?? []) if (a.path) podVars[`inputs.artifacts.${a.name}.path`] = a.path;
    for (const p of tmpl.outputs?.parameters ?? []) if (p.valueFrom?.path) podVars[`outputs.parameters.${p.name}.path`] = p.valueFrom.path;
    for (const a of tmpl.outputs?.artifacts ?? []) if (a.path) podVars[`outputs.artifacts.${a.name}.path`] = a.path;
    const podScope = scope.child(podVars);
    const render = (text: string, what: string) => paths.rewrite(podScope.render(text, `${where}.${what}`));

    const command = (c.command ?? []).map((t, i) => render(t, `command[${i}]`));
    const args = (c.args ?? []).map((t, i) => render(t, `args[${i}]`));
    const progressFile = join(stepDir, "progress");
    // The step's own variables, on top of the run's base environment.
    const stepEnv: Record<string, string> = { TMPDIR: join(workdir, "tmp"), [ENV.progressFile]: progressFile };
    for (const e of c.env ?? []) stepEnv[e.name] = render(e.value ?? "", `env.${e.name}`);
    let cwd = workdir;
    if (c.workingDir && !isFunction) {
      cwd = paths.hostPath(render(c.workingDir, "workingDir"));
      mkdirSync(cwd, { recursive: true });
    }
    const logPath = join(stepDir, "log.txt");
    let spawned: number | undefined;
    const onSpawn = (pid: number) => {
      ctx.record.recordProcess(node, { pid, ...startTimeOf(pid, isFunction) });
      if (!isFunction) ctx.live.add((spawned = pid));
    };

    const stopPolling = pollProgress(ctx, node, progressFile);
    let result: ProcessResult;
    try {
      if (isFunction) {
        const bundle = await functionBundle(ctx, tmpl, inputs);
        stepEnv[ENV.ioRoot] = stepDir;
        ctx.record.beforeStart();
        const prepare = { mkdir: [join(workdir, "tmp")], symlink: [relative(stepDir, bundle), join(stepDir, "script")] as [string, string] };
        result = await ctx.pool.run({ bundlePath: bundle, env: stepEnv, cwd, logPath, signal: inv.signal, onSpawn, prepare });
        ctx.record.stepDirCreated(node);
      } else {
        let argv: string[];
        if (tmpl.script) {
          const scriptPath = join(stepDir, "script");
          writeFileSync(scriptPath, render(tmpl.script.source, "source"), { mode: 0o755 });
          argv = [...command, scriptPath, ...args];
        } else {
          argv = [...command, ...args];
          writeFileSync(join(stepDir, "script"), argv.map(shellQuote).join(" ") + "\n");
        }
        if (command.length === 0)
          throw new NodeError(`${where}: no command given (container image entrypoints are not available locally; image "${c.image ?? ""}")`, "Failed");
        ctx.record.beforeStart();
        result = await runProcess({ command: argv[0]!, args: argv.slice(1), cwd, env: { ...ctx.baseEnv, ...stepEnv }, logPath, signal: inv.signal, onSpawn });
      }
    } catch (e) {
      if (e instanceof NodeError) {
        // A function OP's worker makes its step directory: a step that failed before has none yet.
        if (isFunction) await ctx.record.makeStepDir(node, "");
        writeLog(logPath, e.message + "\n");
      }
      throw e;
    } finally {
      stopPolling();
      if (spawned !== undefined) ctx.live.delete(spawned);
    }
    readProgress(ctx, node, progressFile);

    const exitCode = String(result.exitCode);
    const ok = !result.killed && !result.spawnError && result.exitCode === 0;
    let outputs: ResolvedOutputs;
    try {
      outputs = await collectOutputs(ctx, node, tmpl, podScope, paths, ok);
    } catch (e) {
      if (ok) return finishNode(ctx, node, "Error", errorMessage(e), { parameters: {}, artifacts: {}, result: result.stdout.trim(), exitCode });
      outputs = { parameters: {}, artifacts: {} };
    }
    outputs.result = result.stdout.trim();
    outputs.exitCode = exitCode;
    if (result.killed) return finishNode(ctx, node, "Failed", stopMessage(inv.signal), outputs);
    if (result.spawnError) return finishNode(ctx, node, "Failed", result.spawnError, outputs);
    if (result.exitCode !== 0) return finishNode(ctx, node, "Failed", `Error (exit code ${result.exitCode})`, outputs);
    return finishNode(ctx, node, "Succeeded", undefined, outputs);
  } finally {
    release();
  }
}

async function stageInputArtifacts(
  ctx: RunContext,
  tmpl: Template,
  inputs: ResolvedInputs,
  paths: PathMap,
  stepDir: string,
  skip: string | undefined,
): Promise<Record<string, string>> {
  const staged: Record<string, string> = {};
  for (const a of tmpl.inputs?.artifacts ?? []) {
    const value = inputs.artifacts[a.name];
    if (!value || a.name === skip) continue;
    const where = `templates.${tmpl.name}.inputs.artifacts.${a.name}`;
    if (!a.path) throw new NodeError(`${where}: path is required`);
    const dest = paths.hostPath(a.path);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      await loadArtifactValue(ctx, value, dest);
    } catch (e) {
      // As Argo: an optional artifact that is not there (e.g. a subPath inside it) is skipped.
      if (a.optional && isNotFound(e)) continue;
      throw new NodeError(`${where}: ${errorMessage(e)}`);
    }
    if (a.mode !== undefined) chmodSync(dest, a.mode);
    const recordPath = join(stepDir, "inputs", "artifacts", a.name);
    if (recordPath !== dest) {
      mkdirSync(dirname(recordPath), { recursive: true });
      symlinkSync(relative(dirname(recordPath), dest), recordPath);
    }
    staged[a.name] = relative(ctx.dir, dest);
  }
  return staged;
}

async function collectOutputs(
  ctx: RunContext,
  node: NodeState,
  tmpl: Template,
  scope: Scope,
  paths: PathMap,
  succeeded: boolean,
): Promise<ResolvedOutputs> {
  const out: ResolvedOutputs = { parameters: {}, artifacts: {} };
  for (const p of tmpl.outputs?.parameters ?? []) {
    const where = `templates.${tmpl.name}.outputs.parameters.${p.name}`;
    const vf = p.valueFrom;
    let value: string | undefined;
    if (vf?.path) {
      const file = paths.hostPath(scope.render(vf.path, where));
      let text: string | undefined;
      try {
        text = readIfExists(file);
      } catch (e) {
        throw new NodeError(`${where}: cannot read ${vf.path}: ${errorMessage(e)}`);
      }
      if (text !== undefined) {
        value = text.trim();
        // A function OP writes its outputs straight into the record: no need to write them again.
        if (value === text && file === join(ctx.record.stepDir(node), "outputs", "parameters", p.name)) ctx.record.parameterWritten(node, "outputs", p.name);
      }
    } else if (vf?.expression) value = stringify(scope.evaluate(vf.expression, where));
    else if (p.value !== undefined) value = scope.render(String(p.value), where);
    value ??= vf?.default;
    if (value === undefined) {
      if (succeeded) throw new NodeError(`${where}: ${vf?.path ?? "value"}: no such file or directory`);
      continue;
    }
    out.parameters[p.name] = value;
  }
  for (const a of tmpl.outputs?.artifacts ?? []) {
    const where = `templates.${tmpl.name}.outputs.artifacts.${a.name}`;
    if (!a.path) throw new NodeError(`${where}: path is required`);
    const src = paths.hostPath(scope.render(a.path, where));
    if (!existsSync(src)) {
      if (a.optional || !succeeded) continue;
      throw new NodeError(`${where}: ${a.path}: no such file or directory`);
    }
    if (a.s3?.key) {
      // An explicit key in the artifact repository, as Argo saves it (e.g. a sliced loop's
      // children stacking their parts unarchived under one prefix).
      const repo = scope.render(a.s3.key, where);
      try {
        await saveArtifact(ctx.repository, src, repo, { archive: a.archive?.none ? null : "tar" });
      } catch (e) {
        throw new NodeError(`${where}: cannot save ${a.path} to the artifact repository at ${repo}: ${errorMessage(e)}`);
      }
      out.artifacts[a.name] = { repo };
      continue;
    }
    const key = `${node.dir}/outputs/artifacts/${a.name}`;
    try {
      await ctx.store.save(src, key);
    } catch (e) {
      throw new NodeError(`${where}: cannot save ${a.path}: ${errorMessage(e)}`);
    }
    out.artifacts[a.name] = { key };
  }
  return out;
}

function pollProgress(ctx: RunContext, node: NodeState, file: string): () => void {
  const timer = setInterval(() => readProgress(ctx, node, file), PROGRESS_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function readProgress(ctx: RunContext, node: NodeState, file: string): void {
  let text: string;
  try {
    if (!statSync(file, { throwIfNoEntry: false })) return;
    text = readFileSync(file, "utf8").trim();
  } catch {
    return;
  }
  if (/^\d+\/\d+$/.test(text) && text !== node.progress) ctx.record.updateNode(node.id, { progress: text }, "progress");
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw e;
  }
}

/** When a process started (clock ticks since boot, /proc/<pid>/stat field 22), to recognise it later. */
const startTimes = new Map<number, number>();

export function startTimeOf(pid: number, cache = false): { start?: number } {
  const known = cache ? startTimes.get(pid) : undefined;
  if (known !== undefined) return { start: known };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    if (!Number.isFinite(start)) return {};
    if (cache) startTimes.set(pid, start);
    return { start };
  } catch {
    return {};
  }
}

const shellQuote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function isNotFound(e: unknown): boolean {
  return e instanceof NotFoundError || (e as NodeJS.ErrnoException)?.code === "ENOENT";
}
