// CONTRACT STUB, NOT ARGO. An in-process HTTP/HTTPS server on 127.0.0.1 that checks every request
// against argo-server's swagger.json (Argo v4.1.2): path and method, path parameters, known query
// parameters of that operation and their types, the JSON body against the operation's definition
// (strict: unknown keys rejected), and `Authorization: Bearer <token>`. A request that breaks the
// contract gets 400 AND is recorded in `violations`, which tests assert to be empty, so a client
// bug cannot pass silently. Behind the check it keeps workflows in memory, names them from
// generateName, replays scripted status objects (validated against the spec's response schemas:
// mistakes of the stub itself land in `stubErrors`), answers grpc-gateway-shaped errors and
// streams logs as JSON lines. It executes nothing: it shows the client speaks the contract, not
// that a live Argo accepts or runs a workflow.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import type { LogEntry, ServerWorkflow, ServerWorkflowStatus } from "../../src/argo/client/types.ts";
import { SwaggerContract, type Operation } from "../argo/stub/swagger-contract.ts";
import { selfSignedCert } from "../argo/stub/tls.ts";
import { GRPC, StubHttpError, WorkflowStore, type StatusScript } from "../argo/stub/workflow-store.ts";
import { unresolvedPodVariables } from "./argo-variables.ts";
import { sharedDir } from "./shared.ts";

export interface ArgoStubOptions {
  /** Serve https with a fresh self-signed certificate (its PEM file is `caFile`). */
  tls?: boolean;
  /** The token the stub accepts (default "stub-token"). */
  token?: string;
  /** Namespaces that exist (default argo, default); others answer 404. */
  namespaces?: string[];
  /** Namespaces the token may not use: 403. */
  forbiddenNamespaces?: string[];
  /** Serve the API under this path prefix (argo-server's --basehref). */
  basePath?: string;
  /**
   * Answer an empty list with `items: null`, as a real argo-server does (Go's nil slice), although
   * the spec declares an array.
   */
  nullEmptyLists?: boolean;
  /** Bytes per write when streaming logs (small values split JSON lines and UTF-8 characters). */
  logChunkBytes?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  authorization?: string;
  body?: unknown;
  operationId?: string;
  status: number;
}

/** Something to do to the next matching request(s) instead of answering normally. */
export type Fault =
  | { kind: "error"; status: number; code: number; message: string }
  | { kind: "reset" }
  | { kind: "hang" }
  | { kind: "html"; status: number };

export interface ArgoStub {
  /** Base URL, e.g. https://127.0.0.1:40123/ (plus basePath). */
  readonly url: string;
  /** host:port as ARGO_SERVER takes it. */
  readonly server: string;
  readonly token: string;
  readonly caFile?: string;
  /** Requests that broke the swagger contract: must stay empty. */
  readonly violations: string[];
  /** Answers of the stub that broke the spec's response schemas (a bug of the stub or test data). */
  readonly stubErrors: string[];
  readonly requests: RecordedRequest[];
  readonly store: WorkflowStore;
  /** Status frames given to workflows created from now on. */
  script(script: StatusScript): void;
  setStatus(name: string, frames: ServerWorkflowStatus[], namespace?: string): void;
  setLogs(name: string, logs: LogEntry[], options?: { namespace?: string; error?: { http_code: number; grpc_code: number; message: string } }): void;
  /** The next `times` requests matching `when` (default: any) get the fault. */
  fault(fault: Fault, options?: { times?: number; when?: (method: string, path: string) => boolean }): void;
  workflows(namespace?: string): ServerWorkflow[];
  close(): Promise<void>;
}

export const swaggerFile = path.join(sharedDir, "argo", "swagger.json");
let sharedContract: SwaggerContract | undefined;

/** The parsed contract (parsed once per test file: ajv compilation of the Workflow schema is slow). */
export function swaggerContract(): SwaggerContract {
  return (sharedContract ??= new SwaggerContract(swaggerFile));
}

export async function startArgoStub(options: ArgoStubOptions = {}): Promise<ArgoStub> {
  const contract = swaggerContract();
  const store = new WorkflowStore();
  const token = options.token ?? "stub-token";
  const namespaces = new Set(options.namespaces ?? ["argo", "default"]);
  const forbidden = new Set(options.forbiddenNamespaces ?? []);
  const base = `/${(options.basePath ?? "").replace(/^\/+|\/+$/g, "")}`.replace(/^\/$/, "");
  const violations: string[] = [];
  const stubErrors: string[] = [];
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; times: number; when: (m: string, p: string) => boolean }[] = [];
  const sockets = new Set<Socket>();
  const cert = options.tls ? selfSignedCert() : undefined;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void serve(req, res, Buffer.concat(chunks).toString("utf8")).catch((e: unknown) => {
        stubErrors.push(`stub crashed: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) send(res, 500, { code: GRPC.internal, message: "stub crashed", details: [] });
      });
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stub");
    const method = req.method ?? "GET";
    const rec: RecordedRequest = { method, path: url.pathname, query: queryRecord(url.searchParams), status: 0 };
    if (req.headers.authorization !== undefined) rec.authorization = req.headers.authorization;
    requests.push(rec);
    const reply = (status: number, body: unknown) => {
      rec.status = status;
      send(res, status, body);
    };
    const violation = (why: string[]) => {
      for (const v of why) violations.push(`${method} ${url.pathname}${url.search}: ${v}`);
      reply(400, { code: GRPC.invalidArgument, message: `contract violation: ${why.join("; ")}`, details: [] });
    };

    if (base && !url.pathname.startsWith(`${base}/`)) return violation([`path is outside the base path ${base}`]);
    const match = contract.match(method, url.pathname.slice(base.length));
    if ("violation" in match) return violation([match.violation]);
    const { op, params } = match;
    rec.operationId = op.operationId;
    const checked = contract.checkBody(op, raw, req.headers["content-type"]);
    if (checked.body !== undefined) rec.body = checked.body;
    const bad = [...contract.checkQuery(op, url.searchParams), ...checked.violations];
    if (bad.length > 0) return violation(bad);

    const auth = req.headers.authorization;
    if (auth !== undefined && !/^Bearer [^\s]+$/.test(auth)) return violation([`Authorization must be "Bearer <token>", got ${JSON.stringify(auth)}`]);
    if (auth !== `Bearer ${token}`) return reply(401, { code: GRPC.unauthenticated, message: "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/", details: [] });

    const fault = faults.find((f) => f.times > 0 && f.when(method, url.pathname));
    if (fault) {
      fault.times--;
      switch (fault.fault.kind) {
        case "reset":
          req.socket.destroy();
          return;
        case "hang":
          return;
        case "html":
          rec.status = fault.fault.status;
          res.writeHead(fault.fault.status, { "Content-Type": "text/html" }).end("<html><body>not the API</body></html>");
          return;
        case "error":
          return reply(fault.fault.status, { code: fault.fault.code, message: fault.fault.message, details: [] });
      }
    }

    try {
      const ns = params.namespace;
      if (ns !== undefined && forbidden.has(ns)) throw new StubHttpError(403, GRPC.permissionDenied, `workflows.argoproj.io is forbidden: User "system:serviceaccount:argo:stub" cannot access resource "workflows" in the namespace "${ns}"`);
      if (ns !== undefined && !namespaces.has(ns)) throw new StubHttpError(404, GRPC.notFound, `namespaces "${ns}" not found`);
      if (op.operationId === "WorkflowService_WorkflowLogs") return await streamLogs(res, rec, ns!, params.name!, url.searchParams);
      const body = dispatch(op, params, url.searchParams, checked.body as Record<string, unknown> | undefined);
      const fields = url.searchParams.get("fields");
      const answer = fields ? applyFieldMask(body, fields) : body;
      if (!fields) for (const e of contract.checkResponse(op, 200, answer)) stubErrors.push(`${op.operationId} answer ${e}`);
      const nil = options.nullEmptyLists && op.operationId === "WorkflowService_ListWorkflows" && (answer as { items?: unknown[] }).items?.length === 0;
      reply(200, nil ? { ...(answer as object), items: null } : answer);
    } catch (e) {
      if (!(e instanceof StubHttpError)) throw e;
      const err = { code: e.code, message: e.message, details: [] };
      for (const v of contract.checkResponse(op, e.status, err)) stubErrors.push(`${op.operationId} error answer ${v}`);
      reply(e.status, err);
    }
  }

  /** argo-server validates a workflow on create and lint; its variable check is re-stated here (see argo-variables.ts). */
  function validated(wf: ServerWorkflow): ServerWorkflow {
    const [bad] = unresolvedPodVariables(wf as never);
    if (bad) throw new StubHttpError(400, GRPC.invalidArgument, `templates.${bad.replace(/: /, ": failed to resolve ")}`);
    return wf;
  }

  function dispatch(op: Operation, p: Record<string, string>, q: URLSearchParams, body: Record<string, unknown> | undefined): unknown {
    const ns = p.namespace!;
    const name = p.name!;
    switch (op.operationId) {
      case "InfoService_GetVersion":
        return { version: "v4.1.2", buildDate: "2026-08-21T00:00:00Z", gitCommit: "f016ad89", gitTag: "v4.1.2", gitTreeState: "clean", goVersion: "go1.24", compiler: "gc", platform: "linux/amd64" };
      case "WorkflowService_CreateWorkflow":
        return store.create(ns, validated(requireWorkflow(body)), body?.serverDryRun === true);
      case "WorkflowService_LintWorkflow":
        return validated(requireWorkflow(body));
      case "WorkflowService_GetWorkflow":
        return store.get(ns, name);
      case "WorkflowService_ListWorkflows": {
        const limit = q.get("listOptions.limit");
        const cont = q.get("listOptions.continue");
        const sel = q.get("listOptions.labelSelector");
        return store.list(ns, { ...(limit ? { limit: Number(limit) } : {}), ...(cont ? { continue: cont } : {}), ...(sel ? { labelSelector: sel } : {}) });
      }
      case "WorkflowService_TerminateWorkflow":
        return store.shutdown(ns, name, "Terminate");
      case "WorkflowService_StopWorkflow":
        return store.shutdown(ns, name, "Stop", typeof body?.message === "string" ? body.message : undefined);
      case "WorkflowService_SuspendWorkflow":
        return store.setSuspended(ns, name, true);
      case "WorkflowService_ResumeWorkflow":
        return store.setSuspended(ns, name, false);
      case "WorkflowService_RetryWorkflow":
        return store.retry(ns, name);
      case "WorkflowService_ResubmitWorkflow":
        return store.resubmit(ns, name);
      case "WorkflowService_DeleteWorkflow":
        store.delete(ns, name);
        return {};
      default:
        throw new StubHttpError(501, 12, `the contract stub does not implement ${op.operationId}`);
    }
  }

  async function streamLogs(res: ServerResponse, rec: RecordedRequest, ns: string, name: string, q: URLSearchParams): Promise<void> {
    const { entries, error } = store.logs(ns, name, {
      ...(q.get("podName") ? { podName: q.get("podName")! } : {}),
      ...(q.get("logOptions.container") ? { container: q.get("logOptions.container")! } : {}),
      ...(q.get("grep") ? { grep: q.get("grep")! } : {}),
    });
    const op = contract.operations.find((o) => o.operationId === "WorkflowService_WorkflowLogs")!;
    const messages: unknown[] = entries.map((result) => ({ result }));
    if (error) messages.push({ error: { ...error, http_status: "", details: [] } });
    for (const m of messages) for (const e of contract.checkResponse(op, 200, m)) stubErrors.push(`log line ${e}`);
    rec.status = 200;
    res.writeHead(200, { "Content-Type": "application/json" });
    const payload = Buffer.from(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
    const step = options.logChunkBytes ?? 7;
    for (let i = 0; i < payload.length; i += step) {
      if (res.destroyed) return;
      res.write(payload.subarray(i, i + step));
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  }

  const server: Server = cert ? createHttps({ key: cert.key, cert: cert.cert }, handler) : createHttp(handler);
  server.on(cert ? "secureConnection" : "connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const hostPort = `127.0.0.1:${port}`;

  return {
    url: `${cert ? "https" : "http"}://${hostPort}${base}/`,
    server: hostPort,
    token,
    ...(cert ? { caFile: cert.certFile } : {}),
    violations,
    stubErrors,
    requests,
    store,
    script: (s) => (store.script = s),
    setStatus: (name, frames, ns = "argo") => store.setStatusFrames(ns, name, frames),
    setLogs: (name, logs, o = {}) => store.setLogs(o.namespace ?? "argo", name, logs, o.error),
    fault: (fault, o = {}) => faults.push({ fault, times: o.times ?? 1, when: o.when ?? (() => true) }),
    workflows: (ns = "argo") => store.all(ns),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function requireWorkflow(body: Record<string, unknown> | undefined): ServerWorkflow {
  const wf = body?.workflow as ServerWorkflow | undefined;
  if (!wf) throw new StubHttpError(400, GRPC.invalidArgument, "workflow is required");
  return wf;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) }).end(text);
}

function queryRecord(q: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of new Set(q.keys())) out[k] = q.getAll(k);
  return out;
}

/** grpc-gateway field masks: "a.b,c" keeps those paths, "-a.b" drops them; arrays apply per item. */
export function applyFieldMask(value: unknown, fields: string): unknown {
  const list = fields.split(",").map((f) => f.trim()).filter(Boolean);
  const exclude = list.filter((f) => f.startsWith("-")).map((f) => f.slice(1).split("."));
  const include = list.filter((f) => !f.startsWith("-")).map((f) => f.split("."));
  let out = include.length > 0 ? pick(value, include) : structuredClone(value);
  for (const p of exclude) out = drop(out, p);
  return out;
}

function pick(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, paths));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = paths.filter((p) => p[0] === k);
    if (sub.length === 0) continue;
    out[k] = sub.some((p) => p.length === 1) ? structuredClone(v) : pick(v, sub.map((p) => p.slice(1)));
  }
  return out;
}

function drop(value: unknown, p: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => drop(v, p));
  if (value === null || typeof value !== "object" || p.length === 0) return value;
  const o = { ...(value as Record<string, unknown>) };
  if (p.length === 1) delete o[p[0]!];
  else if (p[0]! in o) o[p[0]!] = drop(o[p[0]!], p.slice(1));
  return o;
}
