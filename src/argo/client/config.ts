// Connection settings for argo-server: explicit options win, then the environment variables the
// argo CLI reads (ARGO_SERVER, ARGO_TOKEN, ARGO_NAMESPACE, ARGO_SECURE, ARGO_INSECURE_SKIP_VERIFY,
// ARGO_BASE_HREF), then defaults.
import { readFileSync } from "node:fs";
import { configError } from "./errors.ts";

export interface ArgoClientOptions {
  /** `host:port` as in ARGO_SERVER, or a full `http(s)://host:port` URL. */
  server?: string;
  /** Bearer token, with or without the "Bearer " prefix (ARGO_TOKEN). */
  token?: string;
  /** Default namespace of every call (ARGO_NAMESPACE, default "argo"). */
  namespace?: string;
  /** https (default, as the argo CLI) or http (ARGO_SECURE=false). */
  secure?: boolean;
  /** Accept any server certificate (ARGO_INSECURE_SKIP_VERIFY). */
  insecureSkipVerify?: boolean;
  /** Path prefix when argo-server is served under a sub-path (ARGO_BASE_HREF). */
  baseHref?: string;
  /** PEM file of the CA that signed the server's certificate (DFLOW_ARGO_CA_FILE). */
  caFile?: string;
  /** PEM text of that CA (wins over caFile). */
  ca?: string | Buffer;
  /** Per-request timeout in ms (default 30 s; for log streams: until the answer starts). */
  timeoutMs?: number;
  /** Extra attempts of idempotent GETs after a connection error, timeout or 502/503/504 (default 2). */
  retries?: number;
  /** First delay between GET attempts in ms, doubled each time (default 250). */
  retryDelayMs?: number;
  /** Environment to read (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface ArgoClientConfig {
  /** Origin plus base path, always ending in "/". */
  baseUrl: URL;
  /** Host and port as shown in messages. */
  server: string;
  token?: string;
  namespace: string;
  insecureSkipVerify: boolean;
  ca?: Buffer;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export const DEFAULT_NAMESPACE = "argo";

export function resolveArgoConfig(options: ArgoClientOptions = {}): ArgoClientConfig {
  const env = options.env ?? process.env;
  const server = options.server ?? nonEmpty(env.ARGO_SERVER);
  if (!server) throw configError("ARGO_SERVER is not set: give the argo-server address as host:port (e.g. localhost:2746), or --server");
  const secure = options.secure ?? parseBool("ARGO_SECURE", env.ARGO_SECURE) ?? true;
  const baseUrl = serverUrl(server, secure, options.baseHref ?? nonEmpty(env.ARGO_BASE_HREF));
  const token = normalizeToken(options.token ?? nonEmpty(env.ARGO_TOKEN));
  const caFile = options.caFile ?? nonEmpty(env.DFLOW_ARGO_CA_FILE);
  const ca = options.ca !== undefined ? Buffer.from(options.ca) : caFile ? readCa(caFile) : undefined;
  return {
    baseUrl,
    server: baseUrl.host,
    ...(token ? { token } : {}),
    namespace: options.namespace ?? nonEmpty(env.ARGO_NAMESPACE) ?? DEFAULT_NAMESPACE,
    insecureSkipVerify: options.insecureSkipVerify ?? parseBool("ARGO_INSECURE_SKIP_VERIFY", env.ARGO_INSECURE_SKIP_VERIFY) ?? false,
    ...(ca ? { ca } : {}),
    timeoutMs: positive("timeoutMs", options.timeoutMs, 30_000),
    retries: nonNegativeInt("retries", options.retries, 2),
    retryDelayMs: positive("retryDelayMs", options.retryDelayMs, 250),
  };
}

/** "Bearer abc", "bearer abc" and "abc" all mean the token "abc". */
export function normalizeToken(token: string | undefined): string | undefined {
  const t = token?.trim().replace(/^bearer(\s+|$)/i, "").trim();
  return t ? t : undefined;
}

function serverUrl(server: string, secure: boolean, baseHref: string | undefined): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `${secure ? "https" : "http"}://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw configError(`ARGO_SERVER "${server}" is not a host:port address`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw configError(`ARGO_SERVER "${server}": only http and https are supported`);
  const base = `/${[url.pathname, baseHref ?? ""].map((p) => p.replace(/^\/+|\/+$/g, "")).filter(Boolean).join("/")}/`.replace(/\/\/$/, "/");
  return new URL(base, url.origin);
}

/** Go's strconv.ParseBool, which the argo CLI uses for its boolean variables. */
function parseBool(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw configError(`${name}="${value}" is not a boolean (use true or false)`);
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw configError(`cannot read the CA file ${file}: ${(e as Error).message}`);
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!(v > 0) || !Number.isFinite(v)) throw configError(`${name} must be a positive number, got ${v}`);
  return v;
}

function nonNegativeInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 0) throw configError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}
