import type { Command } from "commander";
import { WorkflowError } from "../../engine/index.ts";
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

export function runCommand(program: Command): void {
  program
    .command("run")
    .description("run an Argo Workflow manifest (YAML or JSON) on this machine with the local engine")
    .argument("<file>", "workflow manifest (.yaml, .yml or .json)")
    .option("--root <dir>", "record root", "dflow-runs")
    .option("--parallelism <n>", "maximum number of steps running at once", positiveNumber("--parallelism"))
    .option("--timeout <seconds>", "whole-workflow deadline; then running steps are killed", positiveNumber("--timeout"))
    .option("-p, --parameter <name=value>", "workflow parameter (repeatable)", collect, [] as string[])
    .action(async (file: string, opts: { root: string; parallelism?: number; timeout?: number; parameter: string[] }) => {
      const manifest = loadManifestFile(file);
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
