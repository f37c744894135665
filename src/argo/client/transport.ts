// A small HTTP(S) transport on node:http/https: fetch in Node 20 cannot take a CA or skip
// verification per request. JSON calls have a deadline and bounded retries for GETs (the only
// idempotent calls); streams get a deadline until the answer starts, then none (logs may be quiet).
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { ArgoClientConfig } from "./config.ts";
import { ArgoApiError, hintFor, httpError, type HintContext } from "./errors.ts";
import { sleep } from "./sleep.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with "/api/". */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** For hints in errors. */
  namespace?: string;
  name?: string;
}

const RETRY_STATUS = new Set([502, 503, 504]);
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);

export class HttpTransport {
  constructor(private readonly config: ArgoClientConfig) {}

  /** Sends a request and parses the JSON answer; throws ArgoApiError for anything but 2xx. */
  async json<T>(req: ApiRequest): Promise<T> {
    const attempts = req.method === "GET" ? this.config.retries + 1 : 1;
    for (let i = 1; ; i++) {
      try {
        return await this.once<T>(req);
      } catch (e) {
        if (i >= attempts || !retryable(e) || req.signal?.aborted) throw e;
        await sleep(this.config.retryDelayMs * 2 ** (i - 1), req.signal);
      }
    }
  }

  /** Opens a streaming GET; resolves with the 2xx response once its headers arrived. */
  async stream(req: ApiRequest): Promise<IncomingMessage> {
    const { res, finish } = await this.open(req);
    if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
      finish();
      return res;
    }
    const text = await readBody(res).finally(finish);
    throw this.statusError(req, res.statusCode ?? 0, text);
  }

  private async once<T>(req: ApiRequest): Promise<T> {
    const { res, finish } = await this.open(req);
    try {
      const text = await readBody(res);
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) throw this.statusError(req, status, text);
      if (text.trim() === "") return {} as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ArgoApiError({ kind: "protocol", method: req.method, path: req.path, status, serverMessage: `not JSON: ${text.slice(0, 120)}`, hint: hintFor("protocol", this.hintContext(req)) });
      }
    } catch (e) {
      throw this.mapError(req, e);
    } finally {
      finish();
    }
  }

  /** Starts the request; `finish` clears its deadline (call it when done with the body). */
  private open(req: ApiRequest): Promise<{ res: IncomingMessage; finish: () => void }> {
    const url = this.url(req);
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    if (body) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(body.length);
    }
    const tls = url.protocol === "https:";
    const options: https.RequestOptions = {
      method: req.method,
      headers,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(tls ? { rejectUnauthorized: !this.config.insecureSkipVerify, ...(this.config.ca ? { ca: this.config.ca } : {}) } : {}),
    };
    return new Promise((resolve, reject) => {
      const r = (tls ? https : http).request(url, options);
      let response: IncomingMessage | undefined;
      const timer = setTimeout(() => {
        const err = new DeadlineError(this.config.timeoutMs);
        response?.destroy(err);
        r.destroy(err);
      }, this.config.timeoutMs);
      const finish = () => clearTimeout(timer);
      r.on("response", (res) => {
        response = res;
        resolve({ res, finish });
      });
      r.on("error", (e) => {
        finish();
        reject(this.mapError(req, e));
      });
      r.end(body);
    });
  }

  private url(req: ApiRequest): URL {
    const url = new URL(req.path.replace(/^\//, ""), this.config.baseUrl);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item);
      else url.searchParams.set(k, String(v));
    }
    return url;
  }

  private statusError(req: ApiRequest, status: number, text: string): ArgoApiError {
    return httpError(req, status, grpcError(text), text, this.hintContext(req));
  }

  private hintContext(req: ApiRequest): HintContext {
    return { server: this.config.server, namespace: req.namespace ?? this.config.namespace, ...(req.name ? { name: req.name } : {}) };
  }

  /** Socket-level failures as ArgoApiError (ArgoApiErrors and aborts pass through). */
  mapError(req: ApiRequest, e: unknown): unknown {
    if (e instanceof ArgoApiError || (e instanceof Error && e.name === "AbortError")) return e;
    const ctx = this.hintContext(req);
    const at = { method: req.method, path: req.path, cause: e };
    if (e instanceof DeadlineError) return new ArgoApiError({ ...at, kind: "timeout", serverMessage: e.message, hint: hintFor("timeout", ctx) });
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const message = (e as Error).message ?? String(e);
    if (TLS_CODES.has(code)) {
      return new ArgoApiError({ ...at, kind: "tls", serverMessage: `TLS: ${message}`, hint: `the server's certificate is not trusted: give its CA (--ca-file, DFLOW_ARGO_CA_FILE) or set ARGO_INSECURE_SKIP_VERIFY=true` });
    }
    if (code === "EPROTO" || /wrong version number|packet length too long/i.test(message)) {
      return new ArgoApiError({ ...at, kind: "tls", serverMessage: message, hint: `TLS handshake with ${ctx.server} failed: if the server speaks plain http, set ARGO_SECURE=false` });
    }
    if (code === "ETIMEDOUT") return new ArgoApiError({ ...at, kind: "timeout", serverMessage: message, hint: hintFor("timeout", ctx) });
    return new ArgoApiError({ ...at, kind: "connection", serverMessage: code ? `${code} ${message.replace(code, "").trim()}` : message, hint: hintFor("connection", ctx) });
  }
}

class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

function retryable(e: unknown): boolean {
  if (!(e instanceof ArgoApiError)) return false;
  return e.kind === "connection" || e.kind === "timeout" || (e.status !== undefined && RETRY_STATUS.has(e.status));
}

function grpcError(text: string): { code?: number; message?: string } | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === "object" && ("message" in v || "code" in v)) {
      const o = v as { code?: unknown; message?: unknown; error?: unknown };
      return {
        ...(typeof o.code === "number" ? { code: o.code } : {}),
        ...(typeof o.message === "string" ? { message: o.message } : typeof o.error === "string" ? { message: o.error } : {}),
      };
    }
  } catch {
    // not the grpc-gateway shape: the raw text is reported instead
  }
  return undefined;
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
