// Typed REST client for argo-server's WorkflowService and InfoService (swagger.json, Argo v4.1.2).
import type { Workflow } from "../manifest.ts";
import { resolveArgoConfig, type ArgoClientConfig, type ArgoClientOptions } from "./config.ts";
import { ArgoApiError, hintFor } from "./errors.ts";
import { jsonLines, JsonLinesError } from "./json-lines.ts";
import { HttpTransport, type ApiRequest, type HttpMethod, type QueryValue } from "./transport.ts";
import type {
  ArgoVersion,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  LogEntry,
  LogOptions,
  NamespaceOption,
  ResubmitOptions,
  ResumeOptions,
  RetryOptions,
  ServerWorkflow,
  StopOptions,
  WorkflowList,
} from "./types.ts";

type Verb = "terminate" | "stop" | "retry" | "resubmit" | "suspend" | "resume";

export class ArgoClient {
  readonly config: ArgoClientConfig;
  private readonly http: HttpTransport;

  constructor(config: ArgoClientConfig) {
    this.config = config;
    this.http = new HttpTransport(config);
  }

  /** A client from explicit options, falling back to the argo CLI's environment variables. */
  static fromEnv(options: ArgoClientOptions = {}): ArgoClient {
    return new ArgoClient(resolveArgoConfig(options));
  }

  get namespace(): string {
    return this.config.namespace;
  }

  /** Creates a workflow; the server fills metadata.name from generateName and sets uid. */
  create(workflow: Workflow | ServerWorkflow, options: CreateOptions = {}): Promise<ServerWorkflow> {
    const ns = this.ns(options);
    return this.call("POST", `/api/v1/workflows/${enc(ns)}`, {
      namespace: ns,
      body: { namespace: ns, workflow: withoutStatus(workflow), ...(options.serverDryRun ? { serverDryRun: true } : {}) },
    });
  }

  get(name: string, options: GetOptions = {}): Promise<ServerWorkflow> {
    const ns = this.ns(options);
    return this.call("GET", `/api/v1/workflows/${enc(ns)}/${enc(name)}`, { namespace: ns, name, query: { fields: options.fields } });
  }

  /** One page of workflows; follow `metadata.continue` for the next (or use listAll). */
  async list(options: ListOptions = {}): Promise<WorkflowList> {
    const ns = this.ns(options);
    const page = await this.call<{ metadata?: WorkflowList["metadata"]; items?: ServerWorkflow[] | null }>("GET", `/api/v1/workflows/${enc(ns)}`, {
      namespace: ns,
      query: {
        "listOptions.labelSelector": options.labelSelector,
        "listOptions.fieldSelector": options.fieldSelector,
        "listOptions.limit": options.limit,
        "listOptions.continue": options.continue,
        fields: options.fields,
        nameFilter: options.nameFilter,
      },
    });
    return { metadata: page.metadata ?? {}, items: page.items ?? [] };
  }

  /** Every workflow matching the options, page after page (`limit` is the page size). */
  async *listAll(options: Omit<ListOptions, "continue"> = {}): AsyncGenerator<ServerWorkflow> {
    let token: string | undefined;
    do {
      const page = await this.list({ ...options, ...(token ? { continue: token } : {}) });
      yield* page.items;
      token = page.metadata.continue || undefined;
    } while (token);
  }

  terminate(name: string, options: NamespaceOption = {}): Promise<ServerWorkflow> {
    return this.verb(name, "terminate", options, {});
  }

  /** Stops gracefully: running steps finish their exit handlers. */
  stop(name: string, options: StopOptions = {}): Promise<ServerWorkflow> {
    return this.verb(name, "stop", options, pick(options, ["message", "nodeFieldSelector"]));
  }

  retry(name: string, options: RetryOptions = {}): Promise<ServerWorkflow> {
    return this.verb(name, "retry", options, pick(options, ["restartSuccessful", "nodeFieldSelector", "parameters"]));
  }

  /** Submits a copy of the workflow (a new name); resolves to the new workflow. */
  resubmit(name: string, options: ResubmitOptions = {}): Promise<ServerWorkflow> {
    return this.verb(name, "resubmit", options, pick(options, ["memoized", "parameters"]));
  }

  suspend(name: string, options: NamespaceOption = {}): Promise<ServerWorkflow> {
    return this.verb(name, "suspend", options, {});
  }

  resume(name: string, options: ResumeOptions = {}): Promise<ServerWorkflow> {
    return this.verb(name, "resume", options, pick(options, ["nodeFieldSelector"]));
  }

  async delete(name: string, options: DeleteOptions = {}): Promise<void> {
    const ns = this.ns(options);
    await this.call("DELETE", `/api/v1/workflows/${enc(ns)}/${enc(name)}`, { namespace: ns, name, query: { force: options.force } });
  }

  /** Validates a workflow on the server without creating it; resolves to the workflow as linted. */
  lint(workflow: Workflow | ServerWorkflow, options: NamespaceOption = {}): Promise<ServerWorkflow> {
    const ns = this.ns(options);
    return this.call("POST", `/api/v1/workflows/${enc(ns)}/lint`, { namespace: ns, body: { namespace: ns, workflow: withoutStatus(workflow) } });
  }

  version(): Promise<ArgoVersion> {
    return this.call("GET", "/api/v1/version", {});
  }

  /**
   * Log lines of a workflow's pods (container "main" unless told), parsed as the server streams
   * them. Breaking out of the loop closes the stream.
   */
  async *logs(name: string, options: LogOptions = {}): AsyncGenerator<LogEntry> {
    const ns = this.ns(options);
    const req: ApiRequest = {
      method: "GET",
      path: `/api/v1/workflows/${enc(ns)}/${enc(name)}/log`,
      namespace: ns,
      name,
      query: {
        podName: options.podName,
        "logOptions.container": options.container ?? "main",
        "logOptions.follow": options.follow,
        "logOptions.sinceSeconds": options.sinceSeconds,
        "logOptions.tailLines": options.tailLines,
        "logOptions.timestamps": options.timestamps,
        grep: options.grep,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const res = await this.http.stream(req);
    try {
      for await (const msg of jsonLines(res)) yield this.logEntry(req, msg);
    } catch (e) {
      if (e instanceof JsonLinesError) throw this.protocolError(req, e.message);
      throw this.http.mapError(req, e);
    } finally {
      res.destroy();
    }
  }

  private logEntry(req: ApiRequest, msg: unknown): LogEntry {
    const m = msg as { result?: { content?: string; podName?: string }; error?: { http_code?: number; grpc_code?: number; message?: string } };
    if (m.error) {
      const status = m.error.http_code ?? 500;
      throw new ArgoApiError({
        kind: status === 404 ? "not-found" : status === 403 ? "forbidden" : "server",
        method: req.method,
        path: req.path,
        status,
        ...(m.error.grpc_code !== undefined ? { code: m.error.grpc_code } : {}),
        serverMessage: m.error.message ?? "error in log stream",
        hint: "the log stream ended with an error",
      });
    }
    if (!m.result) throw this.protocolError(req, `a log message has neither result nor error: ${JSON.stringify(msg).slice(0, 120)}`);
    return { content: m.result.content ?? "", podName: m.result.podName ?? "" };
  }

  private protocolError(req: ApiRequest, message: string): ArgoApiError {
    return new ArgoApiError({ kind: "protocol", method: req.method, path: req.path, serverMessage: message, hint: hintFor("protocol", { server: this.config.server }) });
  }

  private verb(name: string, verb: Verb, options: NamespaceOption, body: object): Promise<ServerWorkflow> {
    const ns = this.ns(options);
    return this.call("PUT", `/api/v1/workflows/${enc(ns)}/${enc(name)}/${verb}`, { namespace: ns, name, body: { name, namespace: ns, ...body } });
  }

  private call<T>(method: HttpMethod, path: string, rest: { namespace?: string; name?: string; query?: Record<string, QueryValue>; body?: unknown }): Promise<T> {
    return this.http.json<T>({ method, path, ...rest });
  }

  private ns(options: NamespaceOption): string {
    return options.namespace ?? this.config.namespace;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The server owns status: a workflow fetched from it can be sent again without it. */
function withoutStatus(wf: Workflow | ServerWorkflow): Workflow | ServerWorkflow {
  if (!("status" in wf)) return wf;
  const { status: _status, ...rest } = wf;
  return rest as Workflow;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
