import type { Command } from "commander";
import { uploadBundles } from "../../api/bundle-upload.ts";
import { config } from "../../api/config.ts";
import { toJson, toYaml } from "../../compile/yaml.ts";
import { defaultLocalStorageRoot, s3Config, storageFromConfig } from "../../storage/config.ts";
import { loadWorkflows } from "../load.ts";

export function compileCommand(program: Command): void {
  program
    .command("compile")
    .description(
      "compile the workflow(s) a TypeScript file exports to an Argo manifest (YAML); function-OP bundles above the inline limit " +
        "(DFLOW_INLINE_BUNDLE_LIMIT, default 64 KiB) are referenced as artifacts dflow-bundles/<hash>.cjs of the artifact repository",
    )
    .argument("<file>", "a .ts/.js module exporting a Workflow (default export or named)")
    .option("-e, --export <name>", "which export, when the module has several workflows")
    .option("--json", "print JSON instead of YAML")
    .option("--no-bundle", "leave function-OP bundles out (a quick look at the shape)")
    .option("--upload-bundles", "put the bundles the manifest references into the artifact repository (s3Config, else the local store), as `dflow submit` does")
    .action(async (file: string, opts: { export?: string; json?: boolean; bundle: boolean; uploadBundles?: boolean }) => {
      const workflows = await loadWorkflows(file, opts.export);
      const out: string[] = [];
      for (const wf of workflows) {
        const m = wf.compile({ bundle: opts.bundle ? "inline" : "omit" });
        // The store `dflow run <manifest>` reads from when no S3 is configured.
        if (opts.uploadBundles) await uploadBundles(m, storageFromConfig(s3Config, defaultLocalStorageRoot(config.root)));
        out.push(opts.json ? toJson(m) : toYaml(m));
      }
      process.stdout.write(opts.json ? out.join("") : out.join("---\n"));
    });
}
