import type { Command } from "commander";
import { argoCommand } from "./argo.ts";
import { compileCommand } from "./compile.ts";
import { listCommand } from "./list.ts";
import { logsCommand } from "./logs.ts";
import { resumeCommand } from "./resume.ts";
import { runCommand } from "./run.ts";
import { statusCommand } from "./status.ts";

/** Each command lives in its own file and adds itself here. */
export function registerCommands(program: Command): void {
  for (const add of [compileCommand, runCommand, listCommand, statusCommand, logsCommand, argoCommand, resumeCommand]) add(program);
}
