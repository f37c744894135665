// One step on the cluster: upload, submit (or re-attach), poll, download, report.
import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { ENV, EXIT } from "../../argo/dflow-conventions.ts";
import { DISPATCH_ENV, type ConnectionSpec, type JobSpec } from "../job-spec.ts";
import { SCHEDULERS, type Scheduler } from "../schedulers/index.ts";
import { JOB_SCRIPT, SCHEDULER_LOG } from "../schedulers/types.ts";
import { shq } from "../shell-quote.ts";
import { FILES, jobName, jobScript } from "./job-script.ts";
import { HostKeyError } from "./known-hosts.ts";
import { localPath, remotePath, remoteRewriter } from "./paths.ts";
import { ConnectionError, connect, type SshConnection } from "./ssh.ts";
import { readState, writeState } from "./state-file.ts";
import { download, readRemoteFile, upload, writeRemoteFile, type Upload } from "./transfer.ts";

export type Env = Record<string, string | undefined>;

/** A submitted job, as the cancel paths (signal handler, guardian) need it. */
export interface SubmittedJob {
  connection: ConnectionSpec;
  jobId: string;
  /** Shell command that cancels the job. */
  cancel: string;
}

export interface JobHooks {
  submitted?(job: SubmittedJob): void;
  finished?(job: SubmittedJob): void;
}

const EXIT_MARK = "DFLOW-EXIT";
const PROGRESS_MARK = "DFLOW-PROGRESS";
/** Consecutive polls without the job nor its exit code before the job counts as vanished. */
const MISSING_POLLS = 3;
const CONNECTION_RETRIES = 5;

const log = (m: string) => process.stderr.write(`[dispatcher] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, "_");

class StepFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export async function runJob(spec: JobSpec, env: Env, hooks: JobHooks = {}): Promise<number> {
  try {
    return await run(spec, env, hooks);
  } catch (e) {
    if (e instanceof StepFailure) {
      log(e.message);
      return e.exitCode;
    }
    if (e instanceof HostKeyError) log(e.message);
    else if (e instanceof ConnectionError) log(`${e.message} (transient: the step may be retried)`);
    else log(`error: ${(e as Error).stack ?? String(e)}`);
    return e instanceof ConnectionError ? EXIT.transient : EXIT.fatal;
  }
}

async function run(spec: JobSpec, env: Env, hooks: JobHooks): Promise<number> {
  const t0 = Date.now();
  const timing = env.DFLOW_DISPATCH_TIMING === "1" ? (what: string) => log(`+${Date.now() - t0} ms ${what}`) : () => undefined;
  const sched = SCHEDULERS[spec.scheduler];
  const cwd = process.cwd();
  const ioRoot = env[ENV.ioRoot] || undefined;
  const step = env[DISPATCH_ENV.step] || createHash("sha256").update(cwd).digest("hex").slice(0, 12);
  const conn = await connect(spec.connection);
  timing("connected");
  const dir = posix.join(await remoteRoot(conn, spec), safe(env[DISPATCH_ENV.workflow] || "workflow"), safe(step));
  const root = `${dir}/root`;
  const t = spec.template;
  const jobCwd = t.workingDir ? remotePath(t.workingDir, root) : root;
  const prefix = spec.machine.commandPrefix ? `${spec.machine.commandPrefix} ` : "";

  const previous = readState(cwd);
  let jobId: string;
  if (previous && previous.remoteDir === dir && previous.scheduler === spec.scheduler) {
    jobId = previous.jobId;
    log(`re-attaching to ${spec.scheduler} job ${jobId} (${dir})`);
  } else {
    await stage(conn, spec, env, { dir, root, jobCwd, cwd, ioRoot, step, sched });
    timing("staged");
    const r = await conn.exec(`cd ${shq(dir)} && ${prefix}${sched.submit(dir)}`);
    jobId = sched.parseJobId(r);
    writeState(cwd, { version: 1, scheduler: spec.scheduler, host: spec.connection.host, jobId, remoteDir: dir, submittedAt: new Date().toISOString() });
    log(`submitted ${spec.scheduler} job ${jobId} on ${spec.connection.host} (${dir})`);
    timing("submitted");
  }
  const job: SubmittedJob = { connection: spec.connection, jobId, cancel: `cd ${shq(dir)}; ${prefix}${sched.cancel(jobId)}` };
  hooks.submitted?.(job);
  let outcome: { exitCode: number; message?: string };
  try {
    outcome = await poll(spec, sched, jobId, dir, prefix, env[ENV.progressFile]);
  } finally {
    hooks.finished?.(job);
  }

  timing("job over");
  const c = await connect(spec.connection);
  const outputs: Upload[] = [...t.outputParameters, ...t.outputArtifacts].map((o) => ({ remote: remotePath(o.path, root), local: localPath(o.path, ioRoot, cwd) }));
  for (const f of spec.task.backwardFiles ?? []) outputs.push({ remote: posix.join(jobCwd, f), local: join(cwd, f) });
  await download(c, outputs);
  const [stdout, stderr] = await Promise.all([readRemoteFile(c, `${dir}/${FILES.stdout}`), readRemoteFile(c, `${dir}/${FILES.stderr}`)]);
  if (stdout?.length) await write(process.stdout, stdout);
  if (stderr?.length) await write(process.stderr, stderr);
  timing("outputs downloaded");
  if (outcome.message) {
    const schedLog = await readRemoteFile(c, `${dir}/${SCHEDULER_LOG}`);
    if (schedLog?.length) await write(process.stderr, Buffer.concat([Buffer.from(`[dispatcher] ${SCHEDULER_LOG}:\n`), schedLog]));
    throw new StepFailure(outcome.message, outcome.exitCode);
  }
  return outcome.exitCode;
}

/** The remote root, a `~/…` one under the remote user's home. */
async function remoteRoot(conn: SshConnection, spec: JobSpec): Promise<string> {
  const r = spec.remoteRoot;
  if (r !== "~" && !r.startsWith("~/")) return r;
  const home = await conn.exec('printf "%s" "$HOME"');
  if (home.code !== 0 || !home.stdout.startsWith("/")) throw new Error(`cannot resolve remoteRoot ${r} on ${spec.connection.host}: $HOME is ${JSON.stringify(home.stdout)} ${home.stderr.trim()}`);
  return posix.join(home.stdout, r.slice(1));
}

interface Where {
  dir: string;
  root: string;
  jobCwd: string;
  cwd: string;
  ioRoot: string | undefined;
  step: string;
  sched: Scheduler;
}

/** Uploads the inputs and the original script, and writes the job script. */
async function stage(conn: SshConnection, spec: JobSpec, env: Env, w: Where): Promise<void> {
  const t = spec.template;
  const declared = [...t.inputArtifacts, ...t.outputParameters, ...t.outputArtifacts].map((p) => p.path);
  if (t.workingDir) declared.push(t.workingDir);
  // A function OP resolves its paths under DFLOW_IO_ROOT: its (bundled) source is never rewritten.
  const rewrite = t.kind === "function" ? (s: string) => s : remoteRewriter(w.root, declared);
  const command = Array.from({ length: t.commandCount }, (_, i) => rewrite(env[DISPATCH_ENV.command(i)] ?? ""));
  const args = Array.from({ length: t.argsCount }, (_, i) => rewrite(env[DISPATCH_ENV.arg(i)] ?? ""));
  const jobEnv: Record<string, string> = {};
  for (const name of t.envNames) jobEnv[name] = rewrite(env[name] ?? "");
  if (t.kind === "function") {
    jobEnv[ENV.ioRoot] = `${w.root}/tmp`;
    jobEnv[ENV.progressFile] = `${w.dir}/${FILES.progress}`;
  }
  const source = t.kind === "function" ? t.functionSource : t.kind === "script" ? rewrite(env[DISPATCH_ENV.source] ?? "") : undefined;
  const argv = source === undefined ? [...command, ...args] : [...command, `${w.dir}/${FILES.script}`, ...args];
  if (argv.length === 0) throw new StepFailure(`template "${t.name}" has no command to run`, EXIT.fatal);

  // As in the engine, the private root has a tmp/ (TMPDIR), whatever the template declares.
  jobEnv.TMPDIR ??= `${w.root}/tmp`;
  const clean = await conn.exec(`rm -rf ${shq(w.dir)} && mkdir -p ${shq(`${w.root}/tmp`)} ${shq(w.jobCwd)}`);
  if (clean.code !== 0) throw new Error(`preparing ${w.dir} on ${spec.connection.host} failed: ${clean.stderr.trim()}`);
  const uploads: Upload[] = [];
  for (const a of t.inputArtifacts) {
    const local = localPath(a.path, w.ioRoot, w.cwd);
    uploads.push({ local, remote: remotePath(a.path, w.root) });
  }
  for (const f of spec.task.forwardFiles ?? []) uploads.push({ local: join(w.cwd, f), remote: posix.join(w.jobCwd, f) });
  await upload(conn, uploads.filter((u) => existsSync(u.local)));
  const script = jobScript({
    scheduler: w.sched,
    name: jobName(w.step),
    dir: w.dir,
    cwd: w.jobCwd,
    queueName: spec.queueName,
    resources: spec.resources,
    ...(spec.header !== undefined ? { header: spec.header } : {}),
    env: jobEnv,
    argv,
  });
  await Promise.all([
    source === undefined ? undefined : writeRemoteFile(conn, `${w.dir}/${FILES.script}`, source, 0o755),
    writeRemoteFile(conn, `${w.dir}/${JOB_SCRIPT}`, script, 0o755),
  ]);
}

async function poll(spec: JobSpec, sched: Scheduler, jobId: string, dir: string, prefix: string, progressFile: string | undefined): Promise<{ exitCode: number; message?: string }> {
  const status = `${prefix}${sched.status(jobId, dir)}`;
  const cmd = [
    `cd ${shq(dir)} 2>/dev/null`,
    `if [ -f ${FILES.progress} ]; then echo "${PROGRESS_MARK} $(cat ${FILES.progress})"; fi`,
    `if [ -f ${FILES.exitCode} ]; then echo "${EXIT_MARK} $(cat ${FILES.exitCode})"; exit 0; fi`,
    status,
  ].join("; ");
  let failures = 0;
  let missing = 0;
  let lastProgress = "";
  for (;;) {
    let r;
    try {
      r = await (await connect(spec.connection)).exec(cmd);
      failures = 0;
    } catch (e) {
      if (!(e instanceof ConnectionError) || ++failures >= CONNECTION_RETRIES) throw e;
      log(`${e.message}; retrying`);
      await sleep(spec.pollInterval * 1000);
      continue;
    }
    const lines = r.stdout.split("\n");
    const progress = lines.find((l) => l.startsWith(PROGRESS_MARK))?.slice(PROGRESS_MARK.length).trim();
    if (progressFile && progress && progress !== lastProgress) {
      lastProgress = progress;
      writeFileSync(progressFile, progress);
    }
    const exit = lines.find((l) => l.startsWith(EXIT_MARK));
    const what = `${spec.scheduler} job ${jobId}`;
    if (exit !== undefined) {
      const code = Number.parseInt(exit.slice(EXIT_MARK.length).trim(), 10);
      if (Number.isNaN(code)) return { exitCode: EXIT.fatal, message: `${what} wrote an unreadable exit code: ${exit}` };
      // Killed by a signal: the scheduler knows whether that was a cancel, a limit or a node.
      if (code >= 128) {
        const p = sched.parsePoll(await (await connect(spec.connection)).exec(status));
        if (p.kind === "failed") return { exitCode: code, message: `${what} failed (${p.state}): ${p.message}` };
        if (p.kind === "transient") return { exitCode: EXIT.transient, message: `${what} did not finish (${p.state}): ${p.message} (transient: the step may be retried)` };
      }
      return { exitCode: code };
    }
    const p = sched.parsePoll({ ...r, stdout: lines.filter((l) => !l.startsWith(PROGRESS_MARK)).join("\n") });
    if (p.kind === "failed") return { exitCode: EXIT.fatal, message: `${what} failed (${p.state}): ${p.message}` };
    if (p.kind === "transient") return { exitCode: EXIT.transient, message: `${what} did not finish (${p.state}): ${p.message} (transient: the step may be retried)` };
    if (p.kind === "active") missing = 0;
    else if (++missing >= MISSING_POLLS) {
      const why = p.kind === "gone" ? "vanished from the scheduler" : `ended ${p.state}`;
      return { exitCode: EXIT.transient, message: `${what} ${why} without recording the step's exit code (transient: the step may be retried)` };
    }
    await sleep(spec.pollInterval * 1000);
  }
}

function write(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  return new Promise((resolve) => stream.write(data, () => resolve()));
}
