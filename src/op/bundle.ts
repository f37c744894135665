import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DflowError } from "../api/errors.ts";
import { ENV } from "../argo/dflow-conventions.ts";
import { buildWithPlugins, type ZodLocales } from "./esbuild-sync.ts";

/** Set to "1" to keep all of zod's locales in bundles (see zod-locales.cjs). */
export const KEEP_ALL_ZOD_LOCALES_ENV = "DFLOW_BUNDLE_ALL_ZOD_LOCALES";

export interface Bundle {
  /**
   * CommonJS source: `node script` runs the OP from env; `require(script).runOp(env)` too, and
   * `require(script).main()` does what `node script` does (for a loader that requires the bundle).
   */
  source: string;
  /** sha256 of the source, 16 hex chars. */
  hash: string;
}

const RUNNER = fileURLToPath(new URL("./runner.ts", import.meta.url));
const cache = new Map<string, Bundle>();

/**
 * Bundles an OP's module with the runner into one CommonJS file for `node` (no npm install in
 * the container). CommonJS because Argo writes script sources to an extension-less file.
 */
export function bundleOp(module: string, opName: string, exportName?: string): Bundle {
  const zodLocales: ZodLocales = process.env[KEEP_ALL_ZOD_LOCALES_ENV] === "1" ? "keep" : "stub";
  const cacheKey = `${module}\0${opName}\0${exportName ?? ""}\0${zodLocales}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const entry = [
    `import * as mod from ${JSON.stringify(module)};`,
    `import { createRunOp, runAsMain } from ${JSON.stringify(RUNNER)};`,
    `export const runOp = createRunOp(mod, ${JSON.stringify(opName)}, ${JSON.stringify(exportName ?? null)});`,
    `export const main = () => runAsMain(runOp);`,
    `if (typeof require !== "undefined" && require.main === module) main();`,
  ].join("\n");
  let source: string;
  try {
    source = buildWithPlugins(
      {
        stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: `dflow-op-${opName}.ts`, loader: "ts" },
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        minify: true,
        keepNames: true,
        legalComments: "none",
        logLevel: "silent",
        // import.meta.url has no CommonJS meaning: give it the bundle's own file URL.
        define: { "import.meta.url": "__dflow_import_meta_url" },
        // Set before the OP's module runs, so top-level workflow code can tell it is inside a step.
        banner: { js: `process.env.${ENV.inRunner}="1";var __dflow_import_meta_url=require("url").pathToFileURL(__filename).href;` },
      },
      zodLocales,
    );
  } catch (err) {
    throw bundleError(err, module, opName);
  }
  const bundle = { source, hash: createHash("sha256").update(source).digest("hex").slice(0, 16) };
  cache.set(cacheKey, bundle);
  return bundle;
}

function bundleError(err: unknown, module: string, opName: string): DflowError {
  const errors = (err as { errors?: { text: string; location?: { file: string; line: number; lineText: string } | null }[] }).errors ?? [];
  const lines = errors.map((e) => {
    const loc = e.location ? `${e.location.file}:${e.location.line}: ` : "";
    let hint = "";
    if (/Could not resolve "([^"]+)"/.test(e.text)) hint = " (install it, or keep it out of the OP's module: every import of the module is bundled)";
    if (/Top-level await/.test(e.text)) hint = " (the OP's module has top-level await: define OPs in a module of their own, without top-level workflow code)";
    return `  ${loc}${e.text}${hint}`;
  });
  return new DflowError(
    `cannot bundle OP "${opName}" from ${module}:\n${lines.join("\n") || `  ${(err as Error).message}`}`,
    opName,
    "bundle",
  );
}
