// Shared by `dflow run` for YAML/JSON manifests (and, later, for workflows compiled from .ts files).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Workflow } from "../argo/manifest.ts";
import { WorkflowError, startWorkflow, type EngineOptions, type LocalRun, type RunResult, type StepRecord } from "../engine/index.ts";
import { ProgressView } from "./progress.ts";

export interface RunWithProgressOptions extends Omit<EngineOptions, "onEvent"> {
  /** Where progress and the failure report go (default process.stderr). */
  stream?: NodeJS.WriteStream;
  plain?: boolean;
}

/** Run a manifest to completion with live progress; Ctrl-C terminates the run cleanly. */
export async function runManifestWithProgress(manifest: Workflow, opts: RunWithProgressOptions = {}): Promise<RunResult> {
  const stream = opts.stream ?? process.stderr;
  const view = new ProgressView({ stream, ...(opts.plain !== undefined ? { plain: opts.plain } : {}) });
  const { stream: _s, plain: _p, ...engineOpts } = opts;
  const run = startWorkflow(manifest, { ...engineOpts, onEvent: view.onEvent });
  stream.write(`workflow ${run.id}: running (record: ${run.dir})\n`);
  return followRun(run, view, stream);
}

/**
 * Wait for a run with live progress. Ctrl-C once: terminate (running steps get SIGTERM, the record
 * says Failed: terminated); twice: kill everything at once and exit 130 (`dflow resume` continues).
 */
export async function followRun(run: LocalRun, view: ProgressView, stream: NodeJS.WriteStream): Promise<RunResult> {
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts === 1) {
      stream.write("\ninterrupted: terminating the workflow… (Ctrl-C again to kill it at once)\n");
      void run.terminate();
      return;
    }
    stream.write(`\nkilled: the run stays resumable with \`dflow resume ${run.id}\`\n`);
    run.kill();
    process.exit(130);
  };
  process.on("SIGINT", onSigint);
  try {
    const result = await run.done;
    view.finish();
    if (result.phase !== "Succeeded") stream.write(failureReport(result));
    return result;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/** The failing step(s), their messages, log tails and record paths. */
export function failureReport(result: RunResult, tailLines = 20): string {
  const failed = result.record.steps.filter((s) => (s.phase === "Failed" || s.phase === "Error") && (s.type === "Pod" || s.type === "Skipped"));
  const lines = [`workflow ${result.id} ${result.phase}${result.message ? `: ${result.message}` : ""}`];
  for (const s of failed.slice(0, 5)) {
    lines.push(`failed step: ${s.name} (${s.phase}${s.message ? `: ${s.message}` : ""})`);
    const tail = logTail(s, tailLines);
    if (tail) lines.push(...tail.split("\n").map((l) => `  | ${l}`));
    if (s.dir) lines.push(`  record: ${s.dir}`);
  }
  if (failed.length > 5) lines.push(`… and ${failed.length - 5} more failed steps`);
  return lines.join("\n") + "\n";
}

export function logTail(step: StepRecord, lines: number): string {
  if (!step.dir || !existsSync(join(step.dir, "log.txt"))) return "";
  const text = readFileSync(join(step.dir, "log.txt"), "utf8").trimEnd();
  return text.split("\n").slice(-lines).join("\n");
}

/** Read an Argo Workflow from a YAML or JSON file (the first Workflow document of a multi-doc YAML). */
export function loadManifestFile(file: string): Workflow {
  if (!existsSync(file)) throw new WorkflowError(`${file}: no such file`);
  const text = readFileSync(file, "utf8");
  let docs: unknown[];
  if (file.endsWith(".json")) {
    try {
      docs = [JSON.parse(text)];
    } catch (e) {
      throw new WorkflowError(`${file}: invalid JSON: ${(e as Error).message}`);
    }
  } else {
    const parsed = parseAllDocuments(text);
    for (const d of parsed) if (d.errors.length) throw new WorkflowError(`${file}: invalid YAML: ${d.errors[0]!.message}`);
    docs = parsed.map((d) => d.toJS() as unknown);
  }
  const wf = docs.find((d): d is Workflow => !!d && typeof d === "object" && (d as { kind?: unknown }).kind === "Workflow");
  if (!wf) throw new WorkflowError(`${file}: no Workflow document found`);
  return wf;
}
