// One error class for everything that goes wrong between dflow-ts and argo-server, carrying what
// the user needs to act: the HTTP status, the server's own message and a hint.

export type ArgoErrorKind =
  | "config"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "invalid"
  | "server"
  | "connection"
  | "tls"
  | "timeout"
  | "protocol";

export interface ArgoErrorInit {
  kind: ArgoErrorKind;
  method?: string;
  path?: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** gRPC code from the grpc-gateway error body `{code, message}`. */
  code?: number;
  serverMessage?: string;
  hint?: string;
  cause?: unknown;
}

export class ArgoApiError extends Error {
  readonly userFacing = true;
  readonly kind: ArgoErrorKind;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly code?: number;
  readonly serverMessage?: string;
  readonly hint?: string;

  constructor(init: ArgoErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ArgoApiError";
    this.kind = init.kind;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    if (init.hint !== undefined) this.hint = init.hint;
  }
}

function formatMessage(e: ArgoErrorInit): string {
  const where = e.method && e.path ? ` on ${e.method} ${e.path}` : "";
  const head = e.status !== undefined ? `argo-server answered ${e.status}${where}` : `argo-server${where}`;
  const what = e.serverMessage ? `: ${e.serverMessage}` : "";
  return `${head}${what}${e.hint ? ` (${e.hint})` : ""}`;
}

export function configError(message: string): ArgoApiError {
  return new ArgoApiError({ kind: "config", serverMessage: message });
}

/** Context that makes hints concrete ("namespace argo", "server localhost:2746"). */
export interface HintContext {
  server: string;
  namespace?: string;
  name?: string;
}

const KIND_BY_STATUS: Record<number, ArgoErrorKind> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
};

export function httpError(
  req: { method: string; path: string },
  status: number,
  body: { code?: number; message?: string } | undefined,
  rawBody: string,
  ctx: HintContext,
): ArgoApiError {
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? "server" : "protocol");
  const serverMessage = body?.message ?? (rawBody.trim().slice(0, 300) || undefined);
  return new ArgoApiError({
    kind,
    method: req.method,
    path: req.path,
    status,
    ...(body?.code !== undefined ? { code: body.code } : {}),
    ...(serverMessage !== undefined ? { serverMessage } : {}),
    hint: hintFor(kind, ctx),
  });
}

export function hintFor(kind: ArgoErrorKind, ctx: HintContext): string {
  const ns = ctx.namespace ?? "?";
  switch (kind) {
    case "unauthorized":
      return "set ARGO_TOKEN (or --token) to a valid token, e.g. the output of `argo auth token`";
    case "forbidden":
      return `the token's service account lacks RBAC permission in namespace "${ns}": check ARGO_NAMESPACE (or --namespace) and the role bindings`;
    case "not-found":
      return ctx.name
        ? `no workflow "${ctx.name}" in namespace "${ns}": check the workflow name and ARGO_NAMESPACE`
        : `namespace "${ns}" or the resource does not exist: check ARGO_NAMESPACE`;
    case "conflict":
      return `a workflow with that name already exists in namespace "${ns}": use metadata.generateName or another name`;
    case "invalid":
      return "the server rejected the request: see its message";
    case "server":
      return `argo-server at ${ctx.server} failed: retry later or check its logs`;
    case "connection":
      return `cannot reach argo-server at ${ctx.server}: check ARGO_SERVER (host:port), ARGO_SECURE (https or http) and that the server is up`;
    case "tls":
      return "TLS failed: give the server's CA (--ca-file, DFLOW_ARGO_CA_FILE), set ARGO_INSECURE_SKIP_VERIFY=true, or ARGO_SECURE=false for plain http";
    case "timeout":
      return `argo-server at ${ctx.server} did not answer in time: check ARGO_SERVER and the network`;
    case "protocol":
      return `unexpected answer from ${ctx.server}: is ARGO_SERVER an argo-server (and ARGO_BASE_HREF right)?`;
    case "config":
      return "";
  }
}
