import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Template, Workflow } from "../argo/manifest.ts";
import { type ArtifactIndex, flatItems, STACK_DIR, within } from "../op/artifact-index.ts";
import type { StorageClient } from "../storage/client.ts";
import { s3LocatorKey } from "../storage/keys.ts";
import { loadArtifact, saveArtifact } from "../storage/transfer.ts";
import { REUSE_ANNOTATION, type ReusedStep } from "../argo/dflow-conventions.ts";
import type { ArtifactStore, ArtifactValue } from "./artifacts.ts";
import type { ResolvedOutputs } from "./scope.ts";
import { ValidationError } from "./errors.ts";

/**
 * Steps reused from earlier runs (dflow's `submit(reuse_step=...)`), by key: a node whose
 * `dflow_key` matches is not run; it succeeds at once with the reused outputs. They travel in the
 * manifest's annotation so that the record of the run says what was reused.
 */
export function reusedSteps(workflow: Workflow): Map<string, ReusedStep> {
  const text = workflow.metadata.annotations?.[REUSE_ANNOTATION];
  const out = new Map<string, ReusedStep>();
  if (!text) return out;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}`, `not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list)) throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}`, "must be a JSON list of reused steps");
  for (const [i, s] of list.entries()) {
    const r = s as ReusedStep;
    if (typeof r?.key !== "string" || typeof r.parameters !== "object" || typeof r.artifacts !== "object") {
      throw new ValidationError(`metadata.annotations.${REUSE_ANNOTATION}[${i}]`, "a reused step needs key, parameters and artifacts");
    }
    for (const [name, p] of Object.entries(r.artifacts)) {
      if (!s3LocatorKey(p) && !existsSync(p)) throw new ValidationError(`reused step "${r.key}" artifact "${name}"`, `${p} does not exist (was the earlier run's record removed?)`);
    }
    out.set(r.key, r);
  }
  return out;
}

/**
 * The reused outputs, with artifacts copied into this run's store under the node's directory (or
 * named by their key when they are in the artifact repository). A reused slice of a sliced loop
 * also puts its part back into this run's stack (its template saves it under an explicit key):
 * its part index and the files it lists, not the earlier run's whole stack.
 */
export async function reusedOutputs(step: ReusedStep, ctx: ReuseContext): Promise<ResolvedOutputs> {
  const artifacts: Record<string, ArtifactValue> = {};
  for (const [name, p] of Object.entries(step.artifacts)) {
    const out = ctx.template.outputs?.artifacts?.find((a) => a.name === name);
    const remote = s3LocatorKey(p);
    if (out?.s3?.key) {
      const target = ctx.render(out.s3.key);
      await restack(ctx, p, remote, target);
      artifacts[name] = { repo: target };
    } else if (remote) artifacts[name] = { repo: remote };
    else {
      const key = `${ctx.nodeDir}/outputs/artifacts/${name}`;
      await ctx.store.save(p, key);
      artifacts[name] = { key };
    }
  }
  return { parameters: { ...step.parameters }, artifacts };
}

export interface ReuseContext {
  store: ArtifactStore;
  repository: StorageClient;
  nodeDir: string;
  template: Template;
  /** Renders a template field in the node's input scope. */
  render(text: string): string;
  /** The node's slice (dflow_slice), if it is a slice of a loop. */
  slice?: string;
}

async function restack(ctx: ReuseContext, p: string, remote: string | undefined, target: string): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), "dflow-reuse-"));
  try {
    let src = p;
    if (remote) {
      src = join(tmp, "old");
      await loadArtifact(ctx.repository, remote, src);
    }
    const part = ctx.slice !== undefined ? join(src, STACK_DIR, `${ctx.slice}.json`) : undefined;
    if (!part || !existsSync(part)) return await saveArtifact(ctx.repository, src, target, { archive: null });
    const index = JSON.parse(readFileSync(part, "utf8")) as ArtifactIndex;
    const only = join(tmp, "part");
    mkdirSync(join(only, STACK_DIR), { recursive: true });
    cpSync(part, join(only, STACK_DIR, `${ctx.slice}.json`));
    for (const rel of flatItems(index.items)) cpSync(within(src, rel), within(only, rel), { recursive: true });
    await saveArtifact(ctx.repository, only, target, { archive: null });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
