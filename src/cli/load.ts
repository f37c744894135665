import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DflowError } from "../api/errors.ts";
import { Workflow } from "../api/workflow.ts";

/**
 * Imports a user module and returns the workflows it exports. A module that also submits
 * its workflow at top level does not run it twice: DFLOW_COMPILE_ONLY makes `submit()` a no-op.
 */
export async function loadWorkflows(file: string, exportName?: string): Promise<Workflow<any>[]> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new DflowError(`no such file: ${file}`, file, "file");
  process.env.DFLOW_COMPILE_ONLY = "1";
  const mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  const entries = Object.entries(mod).filter(([, v]) => v instanceof Workflow) as [string, Workflow<any>][];
  if (exportName) {
    const hit = entries.find(([k]) => k === exportName);
    if (!hit) throw new DflowError(`${file} has no exported workflow "${exportName}" (exported: ${entries.map(([k]) => k).join(", ") || "none"})`, file, "export");
    return [hit[1]];
  }
  if (entries.length === 0) throw new DflowError(`${file} exports no Workflow: add \`export default wf\` (or a named export)`, file, "export");
  const def = entries.find(([k]) => k === "default");
  return def ? [def[1]] : entries.map(([, w]) => w);
}
