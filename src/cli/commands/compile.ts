import type { Command } from "commander";
import { toJson, toYaml } from "../../compile/yaml.ts";
import { loadWorkflows } from "../load.ts";

export function compileCommand(program: Command): void {
  program
    .command("compile")
    .description("compile the workflow(s) a TypeScript file exports to an Argo manifest (YAML)")
    .argument("<file>", "a .ts/.js module exporting a Workflow (default export or named)")
    .option("-e, --export <name>", "which export, when the module has several workflows")
    .option("--json", "print JSON instead of YAML")
    .option("--no-bundle", "leave function-OP bundles out (a quick look at the shape)")
    .action(async (file: string, opts: { export?: string; json?: boolean; bundle: boolean }) => {
      const workflows = await loadWorkflows(file, opts.export);
      const out = workflows.map((wf) => {
        const m = wf.compile({ bundle: opts.bundle ? "inline" : "omit" });
        return opts.json ? toJson(m) : toYaml(m);
      });
      process.stdout.write(opts.json ? out.join("") : out.join("---\n"));
    });
}
