import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WorkflowError } from "../../engine/index.ts";
import { loadRun } from "./status.ts";

export function logsCommand(program: Command): void {
  program
    .command("logs")
    .description("print the logs of a local run's steps (all pod steps, or one by name, key or id)")
    .argument("<id>", "workflow id")
    .argument("[step]", "step display name, key or node id")
    .option("--root <dir>", "record root", "dflow-runs")
    .action((id: string, step: string | undefined, opts: { root: string }) => {
      const r = loadRun(opts.root, id);
      const pods = r.steps.filter((s) => s.type === "Pod" && s.dir && existsSync(join(s.dir, "log.txt")));
      const chosen = step === undefined ? pods : pods.filter((s) => s.name === step || s.key === step || s.id === step);
      if (chosen.length === 0) throw new WorkflowError(step ? `run ${id} has no pod step "${step}"` : `run ${id} has no logs yet`);
      for (const s of chosen) {
        const text = readFileSync(join(s.dir!, "log.txt"), "utf8");
        if (chosen.length === 1) process.stdout.write(text);
        else for (const line of text.split("\n").filter((l, i, a) => l !== "" || i < a.length - 1)) process.stdout.write(`${s.name}: ${line}\n`);
      }
    });
}
