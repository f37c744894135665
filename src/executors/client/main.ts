// Entry of the dispatcher client bundle (see ../bundle-client.ts). The rendered template's source
// is `var __dflow_dispatch_spec = {…};` followed by this bundle, which follows the function-OP
// runner protocol: it exports runOp(env) for the engine's warm workers and runs itself when it is
// the main module (`node script` in a pod).
import { EXIT } from "../../argo/dflow-conventions.ts";
import type { JobSpec } from "../job-spec.ts";
import { GUARDIAN_FLAG, guardianMain, watchJob } from "./guardian.ts";
import { runJob, type Env, type SubmittedJob } from "./run-job.ts";
import { connect } from "./ssh.ts";

declare const __dflow_dispatch_spec: JobSpec;
declare const __dflow_bundle_file: string | undefined;

const bundleFile = typeof __dflow_bundle_file === "string" ? __dflow_bundle_file : undefined;

/** Warm-worker entry: a guardian cancels the job if the engine kills this worker. */
export function runOp(env: Env): Promise<number> {
  let unwatch: (() => void) | undefined;
  return runJob(__dflow_dispatch_spec, env, {
    submitted: (job) => {
      if (bundleFile) unwatch = watchJob(bundleFile, job);
    },
    finished: () => unwatch?.(),
  });
}

/** Main-module entry: SIGTERM/SIGINT (Argo's terminate, a timeout) cancel the job first. */
async function runAsMain(): Promise<void> {
  let active: SubmittedJob | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (!active) process.exit(code);
    const job = active;
    process.stderr.write(`[dispatcher] ${signal}: cancelling job ${job.jobId}\n`);
    connect(job.connection)
      .then((c) => c.exec(job.cancel))
      .catch((e: Error) => process.stderr.write(`[dispatcher] cancelling job ${job.jobId} failed: ${e.message}\n`))
      .finally(() => process.exit(code));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const code = await runJob(__dflow_dispatch_spec, process.env, {
    submitted: (job) => (active = job),
    finished: () => (active = undefined),
  });
  process.exit(code);
}

if (typeof require !== "undefined" && require.main === module) {
  if (process.argv[2] === GUARDIAN_FLAG) void guardianMain(Number(process.argv[3]));
  else runAsMain().catch((e: Error) => {
    process.stderr.write(`[dispatcher] ${e.stack ?? e.message}\n`);
    process.exit(EXIT.fatal);
  });
}
