import { Command } from "commander";
import { expandAliases } from "./aliases.ts";
import { registerCommands } from "./commands/index.ts";

const program = new Command();
program
  .name("dflow")
  .description("dflow-ts: scientific workflows, run locally or on Argo Workflows")
  .showHelpAfterError();
registerCommands(program);

try {
  await program.parseAsync(expandAliases(process.argv));
} catch (err) {
  // Errors meant for the user carry their own message; anything else is a bug and keeps its stack.
  const e = err as Error & { userFacing?: boolean };
  process.stderr.write(`dflow: ${e.userFacing ? e.message : (e.stack ?? String(e))}\n`);
  process.exitCode = process.exitCode || 1;
}
