// The dispatcher client as one CommonJS script (esbuild), like function OPs (src/op/bundle.ts):
// `node script` runs it in a pod, the engine's warm workers require() it. Built once per process.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { JobSpec } from "./job-spec.ts";

const ENTRY = fileURLToPath(new URL("./client/main.ts", import.meta.url));
const load = createRequire(import.meta.url);
let built: string | undefined;

function clientBundle(): string {
  if (built !== undefined) return built;
  const esbuild = load("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
    // ssh2's optional native speed-ups: it falls back to pure JS when they are absent.
    external: ["cpu-features", "*.node"],
    // The guardian is this same file run with a flag: it needs its own path.
    banner: { js: "var __dflow_bundle_file=__filename;" },
  });
  built = result.outputFiles[0]!.text;
  return built;
}

export interface ClientScript {
  source: string;
  /** sha256 of the source, 16 hex chars (the engine's bundle cache key). */
  hash: string;
}

/** The client bundle with this job spec in front of it. */
export function clientScript(spec: JobSpec): ClientScript {
  const source = `var __dflow_dispatch_spec=${JSON.stringify(spec)};\n${clientBundle()}`;
  return { source, hash: createHash("sha256").update(source).digest("hex").slice(0, 16) };
}
