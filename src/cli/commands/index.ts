import type { Command } from "commander";
import { compileCommand } from "./compile.ts";

/** Each command lives in its own file and adds itself here. */
export function registerCommands(program: Command): void {
  for (const add of [compileCommand]) add(program);
}
