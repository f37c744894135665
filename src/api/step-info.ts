import { copyFileSync, cpSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type { NodePhase, NodeType } from "../argo/manifest.ts";
import type { StepRecord } from "../engine/types.ts";
import { DflowError } from "./errors.ts";
import { encodeParam } from "../op/codec.ts";

export interface OutputParameterInfo {
  /** The value as Argo keeps it: text (JSON for non-string values of function OPs). */
  value: string;
}

export interface OutputArtifactInfo {
  name: string;
  /** Where the artifact is (a local path for local runs). */
  path: string;
}

/** One step of a run, as `queryStep` returns it (dflow's ArgoStep). */
export class StepInfo {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly key?: string;
  readonly type: NodeType;
  readonly phase: NodePhase;
  readonly templateName?: string;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly progress?: string;
  readonly message?: string;
  readonly inputs: { parameters: Record<string, OutputParameterInfo>; artifacts: Record<string, OutputArtifactInfo> };
  readonly outputs: { parameters: Record<string, OutputParameterInfo>; artifacts: Record<string, OutputArtifactInfo>; result?: string; exitCode?: string };
  /** The record directory of the step (local runs). */
  readonly dir?: string;

  constructor(r: StepRecord) {
    this.id = r.id;
    this.name = r.fullName;
    this.displayName = r.name;
    if (r.key !== undefined) this.key = r.key;
    this.type = r.type;
    this.phase = r.phase;
    if (r.templateName) this.templateName = r.templateName;
    if (r.startedAt) this.startedAt = new Date(r.startedAt);
    if (r.finishedAt) this.finishedAt = new Date(r.finishedAt);
    if (r.progress) this.progress = r.progress;
    if (r.message) this.message = r.message;
    if (r.dir) this.dir = r.dir;
    const params = (p: Record<string, string>) => Object.fromEntries(Object.entries(p).map(([k, value]) => [k, { value }]));
    const arts = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).map(([name, p]) => [name, { name, path: p }]));
    this.inputs = { parameters: params(r.inputs.parameters), artifacts: arts(r.inputs.artifacts) };
    this.outputs = {
      parameters: params(r.outputs.parameters),
      artifacts: arts(r.outputs.artifacts),
      ...(r.outputs.result !== undefined ? { result: r.outputs.result } : {}),
      ...(r.outputs.exitCode !== undefined ? { exitCode: r.outputs.exitCode } : {}),
    };
  }

  /** Changes an output before the step is reused by another submission (dflow's modify_output_parameter). */
  modifyOutputParameter(name: string, value: unknown): this {
    this.outputs.parameters[name] = { value: encodeParam(value) };
    return this;
  }

  /**
   * Replaces an output artifact before reuse: another step's artifact, a local path, or a locator
   * such as `s3://<bucket>/<key>` (what a reuse on Argo needs).
   */
  modifyOutputArtifact(name: string, artifact: OutputArtifactInfo | string): this {
    const p = typeof artifact !== "string" ? artifact.path : /^[a-z][a-z0-9+.-]*:\/\//i.test(artifact) ? artifact : path.resolve(artifact);
    this.outputs.artifacts[name] = { name, path: p };
    return this;
  }
}

/** Copies an artifact of a local run to `path` (a directory; created if needed). */
export function downloadLocalArtifact(artifact: OutputArtifactInfo, options: { path?: string } = {}): string {
  const dest = path.resolve(options.path ?? ".");
  let st;
  try {
    st = statSync(artifact.path);
  } catch {
    throw new DflowError(`artifact "${artifact.name}" is not at ${artifact.path} (was the run's record removed?)`, artifact.name, "artifact-missing");
  }
  const target = path.join(dest, path.basename(artifact.path));
  mkdirSync(dest, { recursive: true });
  if (st.isDirectory()) cpSync(artifact.path, target, { recursive: true });
  else copyFileSync(artifact.path, target);
  return target;
}
