// A live Argo workflow (`status.nodes`) as the records the local engine produces, so that
// queryStep, the CLI and UIs treat both backends alike.
//
// Parents: Argo's `children` lists mix the tree with the flow (the next step group hangs under
// the previous group's leaves, a DAG task under the tasks it depends on). The tree parent is the
// holder whose node name is a prefix of the node's name (StepGroup → step, TaskGroup/StepGroup →
// loop item, Retry → attempt, Steps/DAG → first group or root task), else the boundary node;
// `children` is then rebuilt from the parents, as the local engine records it.
//
// Artifacts: a node's artifacts map to a locator string, not a local path:
// `s3://<bucket>/<key>` (bucket from the artifact, else the workflow's artifact repository, else
// `defaultBucket`, else empty: `s3:///<key>`), `gs://bucket/key`, `oss://bucket/key`,
// `azure://container/blob`, `hdfs://path`, the URL of http/artifactory/git artifacts, and
// `data:,<text>` for raw ones. Artifacts with none of these (optional and absent, or an s3 key that
// is empty) are left out.
//
// Reuse wrappers (a run submitted with reuseStep) are folded into one record per keyed step, see
// reuse-records.ts.
import type { StepRecord, WorkflowRecord } from "../engine/types.ts";
import type { ServerNodeStatus, ServerWorkflow } from "./client/types.ts";
import { KEY_PARAMETER } from "./dflow-conventions.ts";
import type { Artifact, Parameter } from "./manifest.ts";
import { reuseTableOf } from "./reuse-conventions.ts";
import { collapseReuseWrappers } from "./reuse-records.ts";

export interface RecordOptions {
  /** Bucket for S3 artifacts that carry only a key and no repository bucket is in the status. */
  defaultBucket?: string;
}

/** Artifact fields a node status may carry besides the manifest's s3. */
export interface StatusArtifact extends Artifact {
  gcs?: { bucket?: string; key?: string };
  oss?: { bucket?: string; key?: string };
  azure?: { container?: string; blob?: string };
  hdfs?: { path?: string };
  http?: { url?: string };
  artifactory?: { url?: string };
  git?: { repo?: string };
}

/** The workflow's record. Argo runs have no local record directory: `dir` is "". */
export function workflowRecord(wf: ServerWorkflow, options: RecordOptions = {}): WorkflowRecord {
  const name = wf.metadata.name ?? "";
  const st = wf.status ?? {};
  return {
    id: name,
    name,
    phase: st.phase ?? "",
    ...time("startedAt", st.startedAt),
    ...time("finishedAt", st.finishedAt),
    ...(st.message ? { message: st.message } : {}),
    dir: "",
    steps: stepRecords(wf, options),
  };
}

/** Every node of the workflow as a StepRecord, parents before children. */
export function stepRecords(wf: ServerWorkflow, options: RecordOptions = {}): StepRecord[] {
  const nodes = Object.entries(wf.status?.nodes ?? {}).map(([id, n]) => ({ ...n, id: n.id || id }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parents = treeParents(nodes, byId);
  const kids = new Map<string, string[]>();
  for (const n of [...nodes].sort(byStart)) {
    const p = parents.get(n.id);
    if (p !== undefined) kids.set(p, [...(kids.get(p) ?? []), n.id]);
  }
  const bucket = wf.status?.artifactRepositoryRef?.artifactRepository?.s3?.bucket ?? options.defaultBucket;
  const ordered = treeOrder(nodes, parents, kids, byId);
  const records = ordered.map((n) => stepRecord(n, parents.get(n.id), kids.get(n.id) ?? [], bucket));
  return collapseReuseWrappers(records, wf.spec?.templates ?? [], reuseTableOf(wf));
}

function stepRecord(n: ServerNodeStatus, parentId: string | undefined, children: string[], bucket: string | undefined): StepRecord {
  const inputs = parameters(n.inputs?.parameters);
  const key = inputs[KEY_PARAMETER];
  const outputs = n.outputs;
  return {
    id: n.id,
    name: n.displayName || n.name,
    fullName: n.name,
    ...(key !== undefined && key !== "" ? { key } : {}),
    type: n.type,
    phase: n.phase ?? "Pending",
    ...(n.templateName || n.templateRef?.template ? { templateName: n.templateName || n.templateRef!.template! } : {}),
    ...(parentId !== undefined ? { parentId } : {}),
    ...(n.boundaryID ? { boundaryId: n.boundaryID } : {}),
    children,
    ...time("startedAt", n.startedAt),
    ...time("finishedAt", n.finishedAt),
    ...(n.progress ? { progress: n.progress } : {}),
    ...(n.message ? { message: n.message } : {}),
    inputs: { parameters: inputs, artifacts: artifacts(n.inputs?.artifacts, bucket) },
    outputs: {
      parameters: parameters(outputs?.parameters),
      artifacts: artifacts(outputs?.artifacts, bucket),
      ...(typeof outputs?.result === "string" ? { result: outputs.result } : {}),
      ...(typeof outputs?.exitCode === "string" ? { exitCode: outputs.exitCode } : {}),
    },
  };
}

function treeParents(nodes: ServerNodeStatus[], byId: Map<string, ServerNodeStatus>): Map<string, string> {
  const holders = new Map<string, ServerNodeStatus[]>();
  for (const n of nodes) for (const c of n.children ?? []) holders.set(c, [...(holders.get(c) ?? []), n]);
  const parents = new Map<string, string>();
  for (const n of nodes) {
    const prefixed = (holders.get(n.id) ?? []).filter((h) => h.id !== n.id && isNamePrefix(h.name, n.name));
    const best = prefixed.sort((a, b) => b.name.length - a.name.length)[0];
    const parent = best?.id ?? (n.boundaryID && n.boundaryID !== n.id && byId.has(n.boundaryID) ? n.boundaryID : undefined);
    if (parent !== undefined) parents.set(n.id, parent);
  }
  return parents;
}

/** Children in the order they started (as the local engine creates them), unstarted ones last. */
function byStart(a: ServerNodeStatus, b: ServerNodeStatus): number {
  return (str(a.startedAt) ?? "\uffff").localeCompare(str(b.startedAt) ?? "\uffff") || a.name.localeCompare(b.name);
}

/** "wf[0]" is a prefix of "wf[0].a" and "wf.t" of "wf.t(0:x)", but "wf.t" is not one of "wf.t2". */
function isNamePrefix(prefix: string, name: string): boolean {
  return name.length > prefix.length && name.startsWith(prefix) && ".[(".includes(name[prefix.length]!);
}

function treeOrder(
  nodes: ServerNodeStatus[],
  parents: Map<string, string>,
  kids: Map<string, string[]>,
  byId: Map<string, ServerNodeStatus>,
): ServerNodeStatus[] {
  const out: ServerNodeStatus[] = [];
  const seen = new Set<string>();
  const visit = (n: ServerNodeStatus) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    out.push(n);
    for (const c of kids.get(n.id) ?? []) visit(byId.get(c)!);
  };
  for (const root of nodes.filter((n) => !parents.has(n.id)).sort(byStart)) visit(root);
  for (const n of nodes) visit(n);
  return out;
}

function parameters(list: Parameter[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const v = p.value ?? p.default;
    if (typeof v === "string") out[p.name] = v;
  }
  return out;
}

function artifacts(list: StatusArtifact[] | undefined, bucket: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const loc = artifactLocator(a, bucket);
    if (loc !== undefined) out[a.name] = loc;
  }
  return out;
}

/** Where an artifact of a node status lives, as a URL-like string (see the header of this file). */
export function artifactLocator(a: StatusArtifact, defaultBucket?: string): string | undefined {
  const path = (...parts: (string | undefined)[]) => parts.map((p) => (p ?? "").replace(/^\/+/, "")).join("/");
  if (a.s3?.key) return `s3://${path(a.s3.bucket ?? defaultBucket, a.s3.key)}`;
  if (a.gcs?.key !== undefined) return `gs://${path(a.gcs.bucket, a.gcs.key)}`;
  if (a.oss?.key !== undefined) return `oss://${path(a.oss.bucket, a.oss.key)}`;
  if (a.azure?.blob !== undefined) return `azure://${path(a.azure.container, a.azure.blob)}`;
  if (a.hdfs?.path !== undefined) return `hdfs://${path(a.hdfs.path)}`;
  const url = a.http?.url ?? a.artifactory?.url ?? a.git?.repo;
  if (url !== undefined) return url;
  if (a.raw?.data !== undefined) return `data:,${encodeURIComponent(a.raw.data)}`;
  return undefined;
}

/** Kubernetes serialises an unset time as null. */
function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function time<K extends string>(k: K, v: unknown): { [P in K]?: string } {
  const s = str(v);
  return (s === undefined ? {} : { [k]: s }) as { [P in K]?: string };
}
