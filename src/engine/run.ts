// A workflow run: validation, the run directory, the root node (entrypoint), the exit handler,
// the whole-workflow deadline, terminate()/kill(), and resuming an interrupted run.
import { reusedSteps } from "./reuse.ts";
import { RepositoryArtifactStore } from "./repository-store.ts";
import { defaultLocalStorageRoot, s3Config, storageFromConfig } from "../storage/config.ts";
import { joinKey } from "../storage/keys.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { setMaxListeners } from "node:events";
import type { Arguments, Template, Workflow, WorkflowPhase } from "../argo/manifest.ts";
import { LocalArtifactStore, type ArtifactValue } from "./artifacts.ts";
import { StopReason, TERMINATED, WORKFLOW_DEADLINE, withDefaults, type RunContext } from "./context.ts";
import { parseDuration } from "./duration.ts";
import { WorkflowError, errorMessage } from "./errors.ts";
import { executeNode, globalScope } from "./execute.ts";
import { NO_ARGS, renderArguments, type ResolvedArgs } from "./io.ts";
import { replayJournal, type Replayed, type WorkflowState } from "./journal.ts";
import { killOrphans, processStart, RUN_DIR_ENV, stillAlive } from "./orphans.ts";
import { killGroup } from "./process-runner.ts";
import { RunRecord } from "./record.ts";
import { Semaphore } from "./semaphore.ts";
import type { EngineOptions, LocalRun, ResumeOptions, RunResult } from "./types.ts";
import { validateWorkflow } from "./validate.ts";
import { WorkerPool } from "./worker-pool.ts";

const ID_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function generateId(wf: Workflow): string {
  if (wf.metadata.name) return wf.metadata.name;
  const prefix = wf.metadata.generateName ?? "workflow-";
  const bytes = randomBytes(5);
  return prefix + [...bytes].map((b) => ID_CHARS[b % ID_CHARS.length]).join("");
}

/** Start running a manifest; throws a ValidationError (before anything runs) if it is invalid. */
export function startWorkflow(manifest: Workflow, opts: EngineOptions = {}): LocalRun {
  const workflow = structuredClone(manifest);
  applyParameterOverrides(workflow, opts.parameters ?? {});
  validateWorkflow(workflow);
  reusedSteps(workflow); // its errors too, before anything is written
  const id = opts.id ?? generateId(workflow);
  const dir = resolve(opts.root ?? "dflow-runs", id);
  if (existsSync(join(dir, "journal.jsonl"))) throw new WorkflowError(`a run with id "${id}" already exists in ${dir}`);
  mkdirSync(dir, { recursive: true });
  const release = takeLock(dir, id);
  const creation = new Date();
  const state: WorkflowState = {
    id,
    name: id,
    phase: "Pending",
    uid: randomUUID(),
    creationTimestamp: creation.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  return launch(workflow, dir, state, opts, release);
}

/**
 * Continue a run whose engine stopped (killed, power loss, Ctrl-C, or a failed run): processes it
 * left running are killed; steps that Succeeded (or were Skipped/Omitted) keep their outputs and
 * are not run again; every other step runs again. Resolves like a fresh run; a run that already
 * Succeeded is returned as it is.
 */
export async function resumeWorkflow(runDir: string, opts: ResumeOptions = {}): Promise<LocalRun> {
  const dir = resolve(runDir);
  const journalPath = join(dir, "journal.jsonl");
  if (!existsSync(journalPath) || !existsSync(join(dir, "workflow.json"))) throw new WorkflowError(`${dir} is not a dflow run record (no journal.jsonl/workflow.json)`);
  let workflow: Workflow;
  try {
    workflow = JSON.parse(readFileSync(join(dir, "workflow.json"), "utf8")) as Workflow;
  } catch (e) {
    throw new WorkflowError(`${join(dir, "workflow.json")}: ${errorMessage(e)}`);
  }
  validateWorkflow(workflow);
  const first = replayJournal(journalPath);
  const id = first.workflow.id || workflow.metadata.name || "";
  const release = takeLock(dir, id);
  try {
    const engine = first.workflow.pid;
    if (engine !== undefined && engine !== process.pid && stillAlive({ pid: engine, ...(first.workflow.pidStart !== undefined ? { start: first.workflow.pidStart } : {}) }))
      throw new WorkflowError(`run "${id}" is still running (engine pid ${engine}); stop it first`);
    repairTornTail(journalPath);
    await killOrphans(dir, first.processes.values());
  } catch (e) {
    release();
    throw e;
  }
  const replayed = replayJournal(journalPath);
  const state: WorkflowState = { ...replayed.workflow, id, name: replayed.workflow.name || id };
  if (state.phase === "Succeeded") {
    release();
    const record = new RunRecord(dir, state, {}, replayed);
    const result: RunResult = { id, dir, phase: "Succeeded", record: record.toRecord() };
    return { id, dir, done: Promise.resolve(result), terminate: async () => {}, kill: () => {} };
  }
  return launch(workflow, dir, { ...state, resumed: (state.resumed ?? 0) + 1 }, opts, release, replayed);
}

function launch(workflow: Workflow, dir: string, state: WorkflowState, opts: EngineOptions, releaseLock: () => void, replayed?: Replayed): LocalRun {
  const id = state.id;
  const reuse = reusedSteps(workflow);
  const parallelism = Math.max(1, opts.parallelism ?? availableParallelism());
  const pods = Math.min(parallelism, workflow.spec.parallelism ?? Infinity);
  const baseEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...(opts.env ?? {}), [RUN_DIR_ENV]: dir };
  delete baseEnv.NODE_OPTIONS;
  const pool = new WorkerPool(pods, baseEnv);
  const main = new AbortController();
  setMaxListeners(0, main.signal);
  const exitCtl = new AbortController();
  setMaxListeners(0, exitCtl.signal);
  const record = new RunRecord(
    dir,
    state,
    {
      onEvent: opts.onEvent,
      fsync: opts.fsync ?? process.env.DFLOW_FSYNC === "1",
      // Without a journal nothing more can be recorded: stop, leaving a resumable record.
      onJournalError: (e) => {
        main.abort(new StopReason(e.message));
        exitCtl.abort(new StopReason(e.message));
      },
    },
    replayed,
  );
  const templates = new Map<string, Template>((workflow.spec.templates ?? []).map((t) => [t.name, withDefaults(t, workflow.spec.templateDefaults)]));
  const bundles = new Map<string, Promise<string>>();
  const globals: Record<string, string> = {
    "workflow.name": id,
    "workflow.namespace": workflow.metadata.namespace ?? "default",
    "workflow.uid": state.uid ?? randomUUID(),
    "workflow.creationTimestamp": state.creationTimestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    "workflow.serviceAccountName": workflow.spec.serviceAccountName ?? "default",
    "workflow.mainEntrypoint": workflow.spec.entrypoint ?? "",
  };
  for (const [k, v] of Object.entries(workflow.metadata.labels ?? {})) globals[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(workflow.metadata.annotations ?? {})) globals[`workflow.annotations.${k}`] = v;
  const wfParams = workflow.spec.arguments?.parameters ?? [];
  for (const p of wfParams) globals[`workflow.parameters.${p.name}`] = String(p.value ?? p.default ?? "");
  globals["workflow.parameters"] = JSON.stringify(wfParams.map((p) => ({ name: p.name, value: String(p.value ?? p.default ?? "") })));

  const live = new Set<number>();
  const repository = opts.repository ?? storageFromConfig(s3Config, defaultLocalStorageRoot(opts.root ?? resolve(dir, "..")));
  const ctx: RunContext = {
    workflow,
    id,
    dir,
    record,
    store: opts.artifacts === "repository" ? new RepositoryArtifactStore(repository, s3Config.prefix ? joinKey(s3Config.prefix, id) : id, opts.archive === undefined ? "tar" : opts.archive) : new LocalArtifactStore(dir),
    pool,
    podSlots: new Semaphore(pods),
    baseEnv,
    globals,
    globalArtifacts: {},
    reuse,
    repository,
    live,
    template(name) {
      const t = templates.get(name);
      if (!t) throw new WorkflowError(`template "${name}" not found`);
      return t;
    },
    bundleFile(hash, write) {
      let made = bundles.get(hash);
      if (!made) {
        const path = join(dir, ".bundles", `${hash.replace(/[^A-Za-z0-9_-]/g, "_")}.cjs`);
        made = (async () => {
          await mkdir(join(dir, ".bundles"), { recursive: true });
          // Written aside and renamed: a worker never requires half a bundle.
          const part = `${path}.${randomUUID()}.part`;
          try {
            await write(part);
            await rename(part, path);
          } finally {
            await rm(part, { force: true });
          }
          return path;
        })();
        made.catch(() => bundles.delete(hash));
        bundles.set(hash, made);
      }
      return made;
    },
  };

  const deadlines = [opts.timeoutSeconds, workflow.spec.activeDeadlineSeconds === undefined ? undefined : parseDuration(workflow.spec.activeDeadlineSeconds)]
    .filter((s): s is number => s !== undefined);
  const timer = deadlines.length ? setTimeout(() => main.abort(new StopReason(WORKFLOW_DEADLINE)), Math.min(...deadlines) * 1000) : undefined;
  let killed = false;

  const done = (async (): Promise<RunResult> => {
    const startedAt = state.startedAt ? new Date(state.startedAt) : new Date();
    const start = processStart(process.pid);
    record.start(replayed ? undefined : workflow, {
      phase: "Running",
      startedAt: startedAt.toISOString(),
      ...(start !== undefined ? { pidStart: start } : {}),
      finishedAt: undefined,
      message: undefined,
    });
    let phase: WorkflowPhase = "Failed";
    let message: string | undefined;
    try {
      const root = await executeNode(ctx, {
        fullName: id,
        displayName: id,
        templateName: workflow.spec.entrypoint!,
        args: entryArguments(workflow),
        signal: main.signal,
      });
      phase = root.phase === "Error" ? "Error" : root.phase === "Failed" ? "Failed" : "Succeeded";
      message = main.signal.aborted ? messageOf(main.signal) : root.phase === "Succeeded" ? undefined : root.message;
      // spec.hooks.exit is the newer form of spec.onExit (validation refuses other workflow hooks).
      const exitHook = (workflow.spec as { hooks?: { exit?: { template?: string; arguments?: Arguments } } }).hooks?.exit;
      const onExit = workflow.spec.onExit ?? exitHook?.template;
      if (onExit && !(main.signal.reason instanceof StopReason && main.signal.reason.message === TERMINATED)) {
        globals["workflow.status"] = phase;
        globals["workflow.duration"] = String((Date.now() - startedAt.getTime()) / 1000);
        globals["workflow.failures"] = JSON.stringify(failures(ctx));
        const exit = await executeNode(ctx, {
          fullName: `${id}.onExit`,
          displayName: `${id}.onExit`,
          templateName: onExit,
          args: workflow.spec.onExit || !exitHook?.arguments ? NO_ARGS : renderArguments(exitHook.arguments, globalScope(ctx), `${id}.onExit`),
          signal: exitCtl.signal,
        });
        if (phase === "Succeeded" && exit.phase !== "Succeeded" && exit.phase !== "Skipped") {
          phase = exit.phase === "Error" ? "Error" : "Failed";
          message = exit.message;
        }
      }
    } catch (e) {
      phase = "Error";
      message = errorMessage(e);
    } finally {
      clearTimeout(timer);
      await pool.close();
    }
    if (killed) return new Promise<RunResult>(() => {}); // kill(): the process is going away
    // Nodes of the interrupted run that this run did not reach again (e.g. a `when` that changed).
    for (const n of record.allNodes())
      if ((n.phase === "Running" || n.phase === "Pending") && !record.touched(n.id)) record.finishNode(n.id, "Failed", "interrupted, and not reached again on resume");
    try {
      await record.flushAll();
    } catch (e) {
      if (phase === "Succeeded") phase = "Error";
      message ??= `cannot write the run's record: ${errorMessage(e)}`;
    }
    record.setWorkflow({ phase, finishedAt: new Date().toISOString(), ...(message ? { message } : {}) });
    record.close();
    releaseLock();
    return { id, dir, phase, ...(message ? { message } : {}), record: record.toRecord() };
  })();

  return {
    id,
    dir,
    done,
    async terminate() {
      main.abort(new StopReason(TERMINATED));
      exitCtl.abort(new StopReason(TERMINATED));
      await done;
    },
    kill() {
      if (killed) return;
      killed = true;
      for (const pid of live) killGroup(pid, "SIGKILL");
      for (const pid of pool.workerPids()) killGroup(pid, "SIGKILL");
      try {
        record.freeze();
      } catch {
        // nothing more can be done
      }
      releaseLock();
      main.abort(new StopReason(TERMINATED));
    },
  };
}

/**
 * One engine per run directory: `lock` holds the owner's pid and start time; a lock whose owner
 * is gone is taken over. Returns the release function.
 */
function takeLock(dir: string, id: string): () => void {
  const path = join(dir, "lock");
  const me = JSON.stringify({ pid: process.pid, start: processStart(process.pid) });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, me);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new WorkflowError(`cannot lock ${dir}: ${errorMessage(e)}`);
      let owner: { pid?: number; start?: number } = {};
      try {
        owner = JSON.parse(readFileSync(path, "utf8")) as typeof owner;
      } catch {
        // torn lock file: its writer died
      }
      if (owner.pid !== undefined && stillAlive({ pid: owner.pid, ...(owner.start !== undefined ? { start: owner.start } : {}) }))
        throw new WorkflowError(`run "${id}" is in use by another engine (pid ${owner.pid})`);
      rmSync(path, { force: true });
    }
  }
  throw new WorkflowError(`cannot lock ${dir}`);
}

/** A crash can leave a cut last line: end it, so that the next line starts on a line of its own. */
function repairTornTail(path: string): void {
  const text = readFileSync(path);
  if (text.length > 0 && text[text.length - 1] !== 0x0a) writeFileSync(path, "\n", { flag: "a" });
}

const messageOf = (signal: AbortSignal) => (signal.reason instanceof StopReason ? signal.reason.message : TERMINATED);

/** The entrypoint's arguments: spec.arguments (raw artifacts inline). */
function entryArguments(wf: Workflow): ResolvedArgs {
  const parameters: Record<string, string> = {};
  for (const p of wf.spec.arguments?.parameters ?? []) if (p.value !== undefined || p.default !== undefined) parameters[p.name] = String(p.value ?? p.default);
  const artifacts: Record<string, ArtifactValue> = {};
  for (const a of wf.spec.arguments?.artifacts ?? []) {
    if (a.raw) artifacts[a.name] = { raw: a.raw.data };
    else throw new WorkflowError(`spec.arguments.artifacts.${a.name}: only raw artifacts can be passed to a local run`);
  }
  return { parameters, artifacts };
}

function applyParameterOverrides(wf: Workflow, overrides: Record<string, string>): void {
  if (Object.keys(overrides).length === 0) return;
  wf.spec.arguments ??= {};
  const params = (wf.spec.arguments.parameters ??= []);
  for (const [name, value] of Object.entries(overrides)) {
    const p = params.find((x) => x.name === name);
    if (p) {
      if (p.enum && p.enum.length && !p.enum.includes(value))
        throw new WorkflowError(`parameter ${name}: "${value}" is not one of [${p.enum.join(", ")}]`);
      p.value = value;
    } else params.push({ name, value });
  }
}

/** `workflow.failures`: the failed pods, as Argo lists them for exit handlers. */
function failures(ctx: RunContext): object[] {
  const out: object[] = [];
  for (const n of ctx.record.allNodes())
    if (n.type === "Pod" && (n.phase === "Failed" || n.phase === "Error"))
      out.push({ displayName: n.name, message: n.message ?? "", templateName: n.templateName ?? "", phase: n.phase, podName: n.id, finishedAt: n.finishedAt ?? "" });
  return out;
}
