// The argo-server REST contract, read from ../shared/argo/swagger.json (Argo v4.1.2): which
// operation a request hits, whether its query parameters and JSON body are what that operation
// declares. Used by the contract stub (test/helpers/argo-stub.ts); it is a check of requests
// against the spec, not an implementation of Argo.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

interface SwaggerParam {
  name: string;
  in: "path" | "query" | "body" | "header";
  type?: string;
  format?: string;
  enum?: string[];
  required?: boolean;
  schema?: { $ref?: string };
}

interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParam[];
  responses: Record<string, { schema?: Record<string, unknown> }>;
}

interface Swagger {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, Record<string, unknown>>;
}

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  pathParams: string[];
  query: Map<string, SwaggerParam>;
  /** Definition name of the JSON body, when the operation takes one. */
  bodyDefinition?: string;
  /** Segments that are not parameters: the more, the more specific the template. */
  literals: number;
  regex: RegExp;
}

export type Match = { op: Operation; params: Record<string, string> } | { violation: string };

const DEF_PREFIX = "#/definitions/";

export class SwaggerContract {
  readonly operations: Operation[];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly responses = new Map<string, Record<string, unknown>>();

  constructor(swaggerFile: string) {
    const spec = JSON.parse(readFileSync(swaggerFile, "utf8")) as Swagger;
    this.operations = [];
    for (const [template, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const body = params.find((p) => p.in === "body")?.schema?.$ref;
        const segments = template.split("/").filter(Boolean);
        this.operations.push({
          operationId: op.operationId,
          method: method.toUpperCase(),
          template,
          pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
          query: new Map(params.filter((p) => p.in === "query").map((p) => [p.name, p])),
          ...(body ? { bodyDefinition: body.slice(DEF_PREFIX.length) } : {}),
          literals: segments.filter((s) => !s.startsWith("{")).length,
          regex: new RegExp(`^${segments.map((s) => (s.startsWith("{") ? "/([^/]+)" : `/${escapeRe(s)}`)).join("")}$`),
        });
        const ok = op.responses["200"]?.schema;
        if (ok) this.responses.set(`${op.operationId} 200`, ok);
        const dflt = op.responses.default?.schema;
        if (dflt) this.responses.set(`${op.operationId} default`, dflt);
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    for (const f of ["int32", "int64", "uint64", "byte", "binary", "double", "float"]) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: "swagger", definitions: patchDefinitions(spec.definitions) });
  }

  /** The operation a request hits; a path that exists with another method is a violation. */
  match(method: string, pathname: string): Match {
    const hits = this.operations
      .map((op) => ({ op, m: op.regex.exec(pathname) }))
      .filter((h): h is { op: Operation; m: RegExpExecArray } => h.m !== null)
      .sort((a, b) => b.op.literals - a.op.literals);
    if (hits.length === 0) return { violation: `no path of the spec matches ${pathname}` };
    const hit = hits.find((h) => h.op.method === method);
    if (!hit) return { violation: `${method} is not an operation of ${hits[0]!.op.template} (spec has ${[...new Set(hits.map((h) => h.op.method))].join(", ")})` };
    const params: Record<string, string> = {};
    hit.op.pathParams.forEach((name, i) => (params[name] = decodeURIComponent(hit.m[i + 1]!)));
    for (const [k, v] of Object.entries(params)) if (v === "" || v.includes("{")) return { violation: `path parameter ${k} of ${hit.op.template} is not substituted: "${v}"` };
    return { op: hit.op, params };
  }

  /** Unknown query parameters, repeated scalars and values of the wrong type. */
  checkQuery(op: Operation, query: URLSearchParams): string[] {
    const out: string[] = [];
    for (const name of new Set(query.keys())) {
      const spec = op.query.get(name);
      const values = query.getAll(name);
      if (!spec) {
        out.push(`${op.operationId}: unknown query parameter "${name}"`);
        continue;
      }
      if (spec.type !== "array" && values.length > 1) out.push(`${op.operationId}: query parameter "${name}" given ${values.length} times`);
      for (const v of values) {
        const bad = checkScalar(spec, v);
        if (bad) out.push(`${op.operationId}: query parameter "${name}"=${JSON.stringify(v)} ${bad}`);
      }
    }
    return out;
  }

  /** Parses and validates a request body against the operation's body definition. */
  checkBody(op: Operation, raw: string, contentType: string | undefined): { body?: unknown; violations: string[] } {
    if (!op.bodyDefinition) return { violations: raw.length > 0 ? [`${op.operationId} takes no body, got ${raw.length} bytes`] : [] };
    if (!/^application\/json\b/i.test(contentType ?? "")) return { violations: [`${op.operationId}: Content-Type must be application/json, got ${contentType ?? "none"}`] };
    let body: unknown;
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return { violations: [`${op.operationId}: body is not JSON`] };
    }
    const errors = this.validate(op.bodyDefinition, body);
    return { body, violations: errors.map((e) => `${op.operationId} body (${op.bodyDefinition}) ${e}`) };
  }

  /** Checks an answer of the stub itself against the operation's declared response. */
  checkResponse(op: Operation, status: number, body: unknown): string[] {
    const schema = this.responses.get(`${op.operationId} ${status === 200 ? "200" : "default"}`);
    if (!schema) return [`${op.operationId}: no response schema for ${status}`];
    return this.validateSchema(`${op.operationId} ${status}`, schema, body);
  }

  validate(definition: string, value: unknown): string[] {
    return this.validateSchema(definition, { $ref: `${DEF_PREFIX}${definition}` }, value);
  }

  private validateSchema(cacheKey: string, schema: Record<string, unknown>, value: unknown): string[] {
    let v = this.validators.get(cacheKey);
    if (!v) {
      v = this.ajv.compile(rebase(schema));
      this.validators.set(cacheKey, v);
    }
    if (v(value)) return [];
    return (v.errors ?? []).slice(0, 10).map((e) => {
      const extra = e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : "";
      return `${e.instancePath || "/"} ${e.message}${extra}`;
    });
  }
}

/**
 * Swagger 2.0 definitions as JSON Schema: IntOrString and Quantity accept numbers (Kubernetes
 * decodes both), and every object with declared properties rejects unknown keys, so that a
 * misspelled field is caught (the real server would silently drop it).
 */
function patchDefinitions(defs: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out = structuredClone(defs);
  out["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = { anyOf: [{ type: "string" }, { type: "integer" }] };
  out["io.k8s.apimachinery.pkg.api.resource.Quantity"] = { anyOf: [{ type: "string" }, { type: "number" }] };
  for (const def of Object.values(out)) {
    if (def.type === "object" && def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  }
  return rebase(out) as Record<string, Record<string, unknown>>;
}

/** "#/definitions/X" refers into the schema registered as "swagger". */
function rebase<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll(`"$ref":"${DEF_PREFIX}`, `"$ref":"swagger${DEF_PREFIX}`)) as T;
}

function checkScalar(spec: SwaggerParam, v: string): string | undefined {
  if (spec.enum && !spec.enum.includes(v)) return `is not one of ${spec.enum.join(", ")}`;
  switch (spec.type) {
    case "boolean":
      return v === "true" || v === "false" ? undefined : "is not a boolean";
    case "integer":
      return /^-?\d+$/.test(v) ? undefined : "is not an integer";
    case "string":
      return spec.format && /^u?int(32|64)$/.test(spec.format) && !/^-?\d+$/.test(v) ? `is not an ${spec.format}` : undefined;
    default:
      return undefined;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
