import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { WorkflowError, resumeWorkflow } from "../../engine/index.ts";
import { ProgressView } from "../progress.ts";
import { followRun } from "../run-manifest.ts";
import { positiveNumber } from "./run.ts";

/** The run directory `dflow resume <id>` means: <root>/<id>, or <id> itself when it is a run directory. */
export function runDirOf(id: string, root: string): string {
  for (const dir of [join(root, id), id]) if (existsSync(join(dir, "journal.jsonl"))) return resolve(dir);
  throw new WorkflowError(`no run "${id}" in ${resolve(root)}`);
}

export function resumeCommand(program: Command): void {
  program
    .command("resume")
    .description("continue a local run whose engine stopped (killed, power loss, Ctrl-C, or a failed run): finished steps keep their outputs, the others run again")
    .argument("<id>", "run id (or run directory)")
    .option("--root <dir>", "record root", "dflow-runs")
    .option("--parallelism <n>", "maximum number of steps running at once", positiveNumber("--parallelism"))
    .option("--timeout <seconds>", "deadline for the rest of the run; then running steps are killed", positiveNumber("--timeout"))
    .option("--fsync", "fdatasync the journal so that the record also survives a power loss")
    .action(async (id: string, opts: { root: string; parallelism?: number; timeout?: number; fsync?: boolean }) => {
      const stream = process.stderr;
      const view = new ProgressView({ stream });
      const run = await resumeWorkflow(runDirOf(id, opts.root), {
        onEvent: view.onEvent,
        ...(opts.parallelism ? { parallelism: Math.floor(opts.parallelism) } : {}),
        ...(opts.timeout ? { timeoutSeconds: opts.timeout } : {}),
        ...(opts.fsync ? { fsync: true } : {}),
      });
      stream.write(`workflow ${run.id}: resuming (record: ${run.dir})\n`);
      const result = await followRun(run, view, stream);
      process.stdout.write(`${result.id} ${result.phase}\n`);
      if (result.phase !== "Succeeded") process.exitCode = 1;
    });
}
