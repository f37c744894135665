import type { Command } from "commander";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readWorkflowRecord, type WorkflowRecord } from "../../engine/index.ts";
import { formatSeconds } from "../progress.ts";
import { table } from "../table.ts";

export function listRuns(root: string): WorkflowRecord[] {
  const dir = resolve(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "journal.jsonl")))
    .map((d) => readWorkflowRecord(join(dir, d.name)))
    .sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
}

export function listCommand(program: Command): void {
  program
    .command("list")
    .description("list local runs")
    .option("--root <dir>", "record root", "dflow-runs")
    .action((opts: { root: string }) => {
      const runs = listRuns(opts.root);
      if (runs.length === 0) return void process.stdout.write(`no runs in ${resolve(opts.root)}\n`);
      const rows = runs.map((r) => [
        r.id,
        displayPhase(r),
        r.startedAt ?? "",
        r.startedAt ? formatSeconds(((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000) : "",
        String(r.steps.filter((s) => s.type === "Pod").length),
      ]);
      process.stdout.write(table(["ID", "PHASE", "STARTED", "DURATION", "PODS"], rows));
    });
}

/** A Running record whose engine process is gone was interrupted (e.g. killed). */
export function displayPhase(r: WorkflowRecord): string {
  if (r.phase !== "Running" || !r.pid) return r.phase;
  try {
    process.kill(r.pid, 0);
    return r.phase;
  } catch {
    return "Running (engine gone)";
  }
}
