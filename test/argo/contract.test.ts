// The contract stub must reject what breaks argo-server's swagger contract, or the client tests
// prove nothing. These requests are sent raw (not through the client) and each must be flagged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArgoStub, swaggerContract, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";
import { matchesSelector } from "./stub/workflow-store.ts";

describe.skipIf(!hasShared)("swagger contract stub (checks requests, is not Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  beforeAll(async () => {
    stub = await startArgoStub();
  });
  afterAll(() => stub.close());

  const send = async (method: string, path: string, init: { body?: string; auth?: string | null; type?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.auth !== null) headers.Authorization = init.auth ?? `Bearer ${stub.token}`;
    if (init.body !== undefined) headers["Content-Type"] = init.type ?? "application/json";
    const res = await fetch(new URL(path.replace(/^\//, ""), stub.url), { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    return { status: res.status, body: (await res.json()) as { code?: number; message?: string } };
  };

  const cases: [string, string, string, { body?: string; auth?: string | null; type?: string }, RegExp][] = [
    ["an unknown path", "GET", "/api/v1/workflow/argo", {}, /no path of the spec/],
    ["a method the path lacks", "PATCH", "/api/v1/workflows/argo/x", {}, /PATCH is not an operation/],
    ["an unsubstituted path parameter", "GET", "/api/v1/workflows/argo/{name}", {}, /not substituted/],
    ["an unknown query parameter", "GET", "/api/v1/workflows/argo?limit=5", {}, /unknown query parameter "limit"/],
    ["a query value of the wrong type", "GET", "/api/v1/workflows/argo/x/log?logOptions.follow=yes", {}, /is not a boolean/],
    ["an int64 query value that is not a number", "GET", "/api/v1/workflows/argo?listOptions.limit=ten", {}, /is not an int64/],
    ["a repeated scalar query parameter", "GET", "/api/v1/workflows/argo/x?fields=a&fields=b", {}, /given 2 times/],
    ["a misspelled body field", "POST", "/api/v1/workflows/argo", { body: JSON.stringify({ workflow: { metadata: { generateName: "a-" }, spec: { entrypoint: "m", templates: [{ name: "m", contianer: {} }] } } }) }, /additional properties: contianer/],
    ["a body field of the wrong type", "PUT", "/api/v1/workflows/argo/x/retry", { body: JSON.stringify({ restartSuccessful: "yes" }) }, /must be boolean/],
    ["a body where none is taken", "DELETE", "/api/v1/workflows/argo/x", { body: "{}" }, /takes no body/],
    ["a body that is not JSON", "POST", "/api/v1/workflows/argo/lint", { body: "workflow: {}" }, /not JSON/],
    ["a body without JSON content type", "POST", "/api/v1/workflows/argo/lint", { body: "{}", type: "text/plain" }, /Content-Type/],
    ["a malformed Authorization header", "GET", "/api/v1/version", { auth: "Bearer Bearer abc" }, /Authorization must be "Bearer <token>"/],
    ["a token without the Bearer scheme", "GET", "/api/v1/version", { auth: "abc" }, /Authorization must be/],
  ];

  for (const [what, method, path, init, why] of cases) {
    it(`flags ${what} with 400 and a recorded violation`, async () => {
      const before = stub.violations.length;
      const r = await send(method, path, init);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(3);
      expect(stub.violations.length).toBe(before + 1);
      expect(stub.violations.at(-1)).toMatch(why);
    });
  }

  it("answers a missing or wrong token with 401, which is not a contract violation", async () => {
    const before = stub.violations.length;
    expect((await send("GET", "/api/v1/version", { auth: null })).status).toBe(401);
    expect((await send("GET", "/api/v1/version", { auth: "Bearer nope" })).body).toMatchObject({ code: 16 });
    expect(stub.violations.length).toBe(before);
  });

  it("validates its own answers against the spec's response schemas", () => {
    const c = swaggerContract();
    const op = c.operations.find((o) => o.operationId === "WorkflowService_GetWorkflow")!;
    expect(c.checkResponse(op, 200, { metadata: {}, spec: {}, status: { nodes: { a: { id: "a", name: "a", type: "Pod", phse: "Running" } } } })).toEqual([
      expect.stringMatching(/additional properties: phse/),
    ]);
    expect(c.checkResponse(op, 404, { code: 5, message: "not found", details: [] })).toEqual([]);
  });

  it("accepts integers where Kubernetes takes IntOrString or Quantity", () => {
    const c = swaggerContract();
    const wf = { metadata: { generateName: "a-" }, spec: { entrypoint: "m", templates: [{ name: "m", retryStrategy: { limit: 2 }, container: { image: "x", resources: { limits: { cpu: 1 } } } }] } };
    expect(c.validate("io.argoproj.workflow.v1alpha1.WorkflowCreateRequest", { workflow: wf })).toEqual([]);
  });

  it("matches label selectors as Kubernetes does", () => {
    const l = { app: "x", env: "prod" };
    expect(matchesSelector(l, "app=x,env!=dev")).toBe(true);
    expect(matchesSelector(l, "app==y")).toBe(false);
    expect(matchesSelector(l, "env in (dev, prod),!missing")).toBe(true);
    expect(matchesSelector(l, "env notin (prod)")).toBe(false);
    expect(matchesSelector(l, "app")).toBe(true);
  });
});
