import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { WorkflowError, readWorkflowRecord, type WorkflowRecord } from "../../engine/index.ts";
import { duration } from "../progress.ts";
import { table } from "../table.ts";
import { displayPhase } from "./list.ts";

export function loadRun(root: string, id: string): WorkflowRecord {
  const dir = resolve(root, id);
  if (!existsSync(join(dir, "journal.jsonl"))) throw new WorkflowError(`no run "${id}" in ${resolve(root)}`);
  return readWorkflowRecord(dir);
}

export function statusCommand(program: Command): void {
  program
    .command("status")
    .description("show the steps of a local run")
    .argument("<id>", "workflow id")
    .option("--root <dir>", "record root", "dflow-runs")
    .option("--all", "include step groups and task groups")
    .action((id: string, opts: { root: string; all?: boolean }) => {
      const r = loadRun(opts.root, id);
      process.stdout.write(`${r.id}  ${displayPhase(r)}${duration({ ...r, phase: "Running" })}${r.message ? `  ${r.message}` : ""}\n\n`);
      const steps = r.steps.filter((s) => opts.all || (s.type !== "StepGroup" && s.type !== "TaskGroup"));
      const rows = steps.map((s) => [s.name, s.key ?? "", s.type, s.phase, duration(s).trim().replace(/[()]/g, ""), s.progress ?? "", s.message ?? ""]);
      process.stdout.write(table(["STEP", "KEY", "TYPE", "PHASE", "DURATION", "PROGRESS", "MESSAGE"], rows));
    });
}
