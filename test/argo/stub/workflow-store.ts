// In-memory workflows of the contract stub: what argo-server answers, in the shapes the swagger
// defines, with node phases scripted over successive GETs. It mimics the API's observable
// behaviour for the client's sake; it runs nothing.
import { randomUUID } from "node:crypto";
import type { ServerWorkflow, ServerWorkflowStatus, WorkflowList, LogEntry } from "../../../src/argo/client/types.ts";

/** A grpc-gateway error answer: HTTP status, gRPC code, message. */
export class StubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const GRPC = { invalidArgument: 3, notFound: 5, alreadyExists: 6, permissionDenied: 7, failedPrecondition: 9, internal: 13, unavailable: 14, unauthenticated: 16 } as const;

/** Status frames of a workflow: each GET shows the next one, the last one stays. */
export type StatusScript = (wf: ServerWorkflow) => ServerWorkflowStatus[];

interface Stored {
  wf: ServerWorkflow;
  frames: ServerWorkflowStatus[];
  next: number;
  logs: LogEntry[];
  logError?: { http_code: number; grpc_code: number; message: string };
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
const FINAL = new Set(["Succeeded", "Failed", "Error"]);

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Pending, then Running with its root node, then Succeeded. */
export const defaultScript: StatusScript = (wf) => {
  const name = wf.metadata.name!;
  const t = now();
  const root = { id: name, name, displayName: name, type: "Steps" as const, templateName: wf.spec.entrypoint ?? "", startedAt: t };
  return [
    { phase: "Pending" },
    { phase: "Running", startedAt: t, progress: "0/1", nodes: { [name]: { ...root, phase: "Running", progress: "0/1" } } },
    { phase: "Succeeded", startedAt: t, finishedAt: t, progress: "1/1", nodes: { [name]: { ...root, phase: "Succeeded", finishedAt: t, progress: "1/1" } } },
  ];
};

export class WorkflowStore {
  private readonly byNs = new Map<string, Map<string, Stored>>();
  private resourceVersion = 1000;
  script: StatusScript = defaultScript;

  create(ns: string, input: ServerWorkflow, dryRun = false): ServerWorkflow {
    const meta = input.metadata ?? {};
    let name = meta.name;
    if (!name) {
      if (!meta.generateName) throw new StubHttpError(400, GRPC.invalidArgument, "Workflow.argoproj.io \"\" is invalid: metadata.name: Required value: name or generateName is required");
      do name = meta.generateName + randomSuffix(); while (this.ns(ns).has(name));
    }
    if (this.ns(ns).has(name)) throw new StubHttpError(409, GRPC.alreadyExists, `workflows.argoproj.io "${name}" already exists`);
    const { generateName: _g, ...rest } = meta;
    const wf: ServerWorkflow = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Workflow",
      spec: input.spec,
      metadata: { ...rest, ...(meta.generateName ? { generateName: meta.generateName } : {}), name, namespace: ns, uid: randomUUID(), resourceVersion: String(++this.resourceVersion), creationTimestamp: now() },
      status: {},
    };
    if (!dryRun) this.ns(ns).set(name, { wf, frames: this.script(wf), next: 0, logs: [] });
    return structuredClone(wf);
  }

  /** The workflow with its next scripted status. */
  get(ns: string, name: string): ServerWorkflow {
    const s = this.stored(ns, name);
    if (s.frames.length > 0) {
      s.wf.status = structuredClone(s.frames[Math.min(s.next, s.frames.length - 1)]!);
      s.next++;
    }
    return structuredClone(s.wf);
  }

  list(ns: string, opts: { labelSelector?: string; limit?: number; continue?: string }): WorkflowList {
    const all = [...this.ns(ns).values()].map((s) => s.wf).filter((wf) => matchesSelector(wf.metadata.labels ?? {}, opts.labelSelector));
    const start = opts.continue ? decodeContinue(opts.continue) : 0;
    const end = opts.limit ? start + opts.limit : all.length;
    const items = all.slice(start, end).map((wf) => structuredClone(wf));
    const more = end < all.length;
    return {
      metadata: {
        resourceVersion: String(this.resourceVersion),
        ...(more ? { continue: Buffer.from(JSON.stringify({ offset: end })).toString("base64url") } : {}),
        ...(more && !opts.labelSelector ? { remainingItemCount: all.length - end } : {}),
      },
      items,
    };
  }

  shutdown(ns: string, name: string, strategy: "Terminate" | "Stop", message?: string): ServerWorkflow {
    const s = this.stored(ns, name);
    if (FINAL.has(s.wf.status?.phase ?? "")) throw new StubHttpError(400, GRPC.failedPrecondition, `cannot shutdown a completed workflow: workflow: "${name}", namespace: "${ns}"`);
    const t = now();
    const status = structuredClone(s.wf.status ?? {});
    for (const n of Object.values(status.nodes ?? {})) {
      if (n.phase === "Running" || n.phase === "Pending") Object.assign(n, { phase: "Failed", finishedAt: t, message: message ?? `workflow shutdown with strategy:  ${strategy}` });
    }
    s.wf.spec = { ...s.wf.spec, shutdown: strategy } as ServerWorkflow["spec"];
    s.wf.status = { ...status, phase: "Failed", finishedAt: t, message: `Stopped with strategy '${strategy}'` };
    s.frames = [];
    return structuredClone(s.wf);
  }

  setSuspended(ns: string, name: string, suspended: boolean): ServerWorkflow {
    const s = this.stored(ns, name);
    const spec = { ...s.wf.spec } as ServerWorkflow["spec"] & { suspend?: boolean };
    if (suspended) spec.suspend = true;
    else delete spec.suspend;
    s.wf.spec = spec;
    return structuredClone(s.wf);
  }

  retry(ns: string, name: string): ServerWorkflow {
    const s = this.stored(ns, name);
    const phase = s.wf.status?.phase ?? "";
    if (phase !== "Failed" && phase !== "Error") throw new StubHttpError(400, GRPC.failedPrecondition, `Workflow must be Failed/Error to retry (it is "${phase}")`);
    const { finishedAt: _f, message: _m, ...rest } = s.wf.status ?? {};
    const running: ServerWorkflowStatus = { ...rest, phase: "Running" };
    s.wf.status = running;
    s.frames = [running, { ...running, phase: "Succeeded", finishedAt: now() }];
    s.next = 1;
    return structuredClone(s.wf);
  }

  resubmit(ns: string, name: string): ServerWorkflow {
    const s = this.stored(ns, name);
    const { name: _n, uid: _u, resourceVersion: _r, creationTimestamp: _c, namespace: _ns, ...meta } = s.wf.metadata;
    return this.create(ns, { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { ...meta, generateName: `${name}-` }, spec: s.wf.spec });
  }

  delete(ns: string, name: string): void {
    this.stored(ns, name);
    this.ns(ns).delete(name);
  }

  setStatusFrames(ns: string, name: string, frames: ServerWorkflowStatus[]): void {
    const s = this.stored(ns, name);
    s.frames = frames;
    s.next = 0;
  }

  setLogs(ns: string, name: string, logs: LogEntry[], error?: Stored["logError"]): void {
    const s = this.stored(ns, name);
    s.logs = logs;
    if (error) s.logError = error;
  }

  logs(ns: string, name: string, opts: { podName?: string; container?: string; grep?: string }): { entries: LogEntry[]; error?: Stored["logError"] } {
    const s = this.stored(ns, name);
    if ((opts.container ?? "main") !== "main") return { entries: [] };
    const entries = s.logs.filter((e) => (!opts.podName || e.podName === opts.podName) && (!opts.grep || e.content.includes(opts.grep)));
    return { entries, ...(s.logError ? { error: s.logError } : {}) };
  }

  all(ns: string): ServerWorkflow[] {
    return [...this.ns(ns).values()].map((s) => structuredClone(s.wf));
  }

  private stored(ns: string, name: string): Stored {
    const s = this.ns(ns).get(name);
    if (!s) throw new StubHttpError(404, GRPC.notFound, `workflows.argoproj.io "${name}" not found`);
    return s;
  }

  private ns(ns: string): Map<string, Stored> {
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    return m;
  }
}

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

function decodeContinue(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new StubHttpError(400, GRPC.invalidArgument, "continue key is not valid: illegal base64 data");
}

/** Kubernetes label selectors: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`. */
export function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  const terms = selector.split(/,(?![^(]*\))/).map((t) => t.trim()).filter(Boolean);
  return terms.every((t) => {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t))) {
      const set = m[3]!.split(",").map((x) => x.trim());
      const has = m[1]! in labels && set.includes(labels[m[1]!]!);
      return m[2] === "in" ? has : !has;
    }
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(t))) return m[2] === "!=" ? labels[m[1]!] !== m[3] : labels[m[1]!] === m[3];
    if ((m = /^!([\w./-]+)$/.exec(t))) return !(m[1]! in labels);
    if ((m = /^([\w./-]+)$/.exec(t))) return m[1]! in labels;
    throw new StubHttpError(400, GRPC.invalidArgument, `unable to parse requirement: ${t}`);
  });
}
