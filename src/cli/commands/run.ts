import type { Command } from "commander";
import { WorkflowError } from "../../engine/index.ts";
import { loadWorkflows } from "../load.ts";
import { loadManifestFile, runManifestWithProgress } from "../run-manifest.ts";

export { runManifestWithProgress } from "../run-manifest.ts";

const collect = (value: string, prev: string[]) => [...prev, value];

export function parseParameters(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new WorkflowError(`-p ${pair}: expected name=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function positiveNumber(what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new WorkflowError(`${what} must be a positive number, got "${v}"`);
    return n;
  };
}

/** The manifest of the workflow a module exports (as `dflow compile`, with every bundle inline as local runs have them). */
async function compileModule(file: string, exportName?: string) {
  const workflows = await loadWorkflows(file, exportName);
  if (workflows.length > 1) {
    throw new WorkflowError(`${file} exports ${workflows.length} workflows: choose one with -e <export>`);
  }
  return workflows[0]!.compile({ inlineBundleLimit: Infinity });
}

export function runCommand(program: Command): void {
  program
    .command("run")
    .description("run a workflow on this machine with the local engine: a .ts/.js module that exports a Workflow, or an Argo manifest (.yaml/.json)")
    .argument("<file>", "a workflow module (.ts, .js) or manifest (.yaml, .yml, .json)")
    .option("-e, --export <name>", "which exported workflow, when a module has several")
    .option("--root <dir>", "record root", "dflow-runs")
    .option("--parallelism <n>", "maximum number of steps running at once", positiveNumber("--parallelism"))
    .option("--timeout <seconds>", "whole-workflow deadline; then running steps are killed", positiveNumber("--timeout"))
    .option("-p, --parameter <name=value>", "workflow parameter (repeatable)", collect, [] as string[])
    .action(async (file: string, opts: { root: string; parallelism?: number; timeout?: number; parameter: string[]; export?: string }) => {
      const manifest = /\.(c|m)?[jt]sx?$/.test(file) ? await compileModule(file, opts.export) : loadManifestFile(file);
      const result = await runManifestWithProgress(manifest, {
        root: opts.root,
        ...(opts.parallelism ? { parallelism: Math.floor(opts.parallelism) } : {}),
        ...(opts.timeout ? { timeoutSeconds: opts.timeout } : {}),
        parameters: parseParameters(opts.parameter),
      });
      process.stdout.write(`${result.id} ${result.phase}\n`);
      if (result.phase !== "Succeeded") process.exitCode = 1;
    });
}
