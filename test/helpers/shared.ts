import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** ../shared beside the repo (Argo schema, upstream examples, service recipes). */
export const sharedDir = path.resolve(repoRoot, "../shared");
export const hasShared = existsSync(path.join(sharedDir, "argo", "schema.json"));
export const SHARED_MISSING = `../shared is absent (looked in ${sharedDir}): Argo schema tests skipped`;
