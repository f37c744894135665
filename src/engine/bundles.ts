// The bundle a function-OP step's warm worker requires. Inline, it is the template's source. Shipped
// as an input artifact behind a loader (src/argo/dflow-conventions.ts, shippedBundle), it is that
// artifact, fetched once per run and hash rather than staged for every step: requiring it is what
// the loader does in a pod, and a warm worker keeps one module per bundle file.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { ANNOTATION, BUNDLE_ARTIFACT, shippedBundle } from "../argo/dflow-conventions.ts";
import type { Template } from "../argo/manifest.ts";
import { loadArtifact } from "../storage/transfer.ts";
import type { ArtifactValue } from "./artifacts.ts";
import { sha16, type RunContext } from "./context.ts";
import { errorMessage, NodeError } from "./errors.ts";
import type { ResolvedInputs } from "./io.ts";

export async function functionBundle(ctx: RunContext, tmpl: Template, inputs: ResolvedInputs): Promise<string> {
  const where = `templates.${tmpl.name}`;
  const source = tmpl.script?.source;
  if (source === undefined) throw new NodeError(`${where}: a function OP must be a script template`);
  const shipped = shippedBundle(tmpl);
  if (!shipped) return ctx.bundleFile(tmpl.metadata?.annotations?.[ANNOTATION.bundleHash] ?? sha16(source), (path) => writeFile(path, source));
  const value = inputs.artifacts[BUNDLE_ARTIFACT];
  const at = `${where}.inputs.artifacts.${BUNDLE_ARTIFACT}`;
  if (!value) throw new NodeError(`${at} (the OP's bundle) was not supplied`);
  return ctx.bundleFile(shipped.hash, async (path) => {
    try {
      await loadArtifactValue(ctx, value, path);
    } catch (e) {
      throw new NodeError(`${at}: cannot load the OP's bundle: ${errorMessage(e)}${"repo" in value ? " (wf.submit() in argo mode and `dflow compile --upload-bundles` put bundles in the artifact repository)" : ""}`);
    }
    const got = createHash("sha256").update(await readFile(path)).digest("hex").slice(0, 16);
    if (got !== shipped.hash) throw new NodeError(`${at}: the artifact's content has hash ${got}, not the OP's bundle hash ${shipped.hash}`);
  });
}

/** Materialises an artifact value (run store, repository, raw) at `dest`. */
export async function loadArtifactValue(ctx: RunContext, value: ArtifactValue, dest: string): Promise<void> {
  if ("raw" in value) await writeFile(dest, value.raw);
  else if ("repo" in value) await loadArtifact(ctx.repository, value.repo, dest, value.subPath ? { subPath: value.subPath } : {});
  else await ctx.store.load(value.key, dest, value.subPath);
}
