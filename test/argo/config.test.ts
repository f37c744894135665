import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ArgoApiError, normalizeToken, resolveArgoConfig } from "../../src/argo/client/index.ts";

describe("Argo client configuration (options, then the argo CLI's ARGO_* variables)", () => {
  it("reads the environment like the argo CLI: https by default, namespace argo", () => {
    const c = resolveArgoConfig({ env: { ARGO_SERVER: "argo.example:2746", ARGO_TOKEN: "Bearer abc.def" } });
    expect(c.baseUrl.href).toBe("https://argo.example:2746/");
    expect(c.server).toBe("argo.example:2746");
    expect(c.token).toBe("abc.def");
    expect(c.namespace).toBe("argo");
    expect(c.insecureSkipVerify).toBe(false);
    expect(c).toMatchObject({ timeoutMs: 30_000, retries: 2 });
  });

  it("honours ARGO_SECURE, ARGO_INSECURE_SKIP_VERIFY, ARGO_NAMESPACE and ARGO_BASE_HREF", () => {
    const c = resolveArgoConfig({ env: { ARGO_SERVER: "h:1", ARGO_SECURE: "false", ARGO_INSECURE_SKIP_VERIFY: "TRUE", ARGO_NAMESPACE: "team", ARGO_BASE_HREF: "/argo/" } });
    expect(c.baseUrl.href).toBe("http://h:1/argo/");
    expect(c).toMatchObject({ insecureSkipVerify: true, namespace: "team" });
    expect(c.token).toBeUndefined();
  });

  it("lets explicit options win over the environment", () => {
    const env = { ARGO_SERVER: "env:1", ARGO_TOKEN: "envtoken", ARGO_NAMESPACE: "envns", ARGO_SECURE: "false" };
    const c = resolveArgoConfig({ env, server: "opt:2", token: "opttoken", namespace: "optns", secure: true, baseHref: "x" });
    expect(c).toMatchObject({ server: "opt:2", token: "opttoken", namespace: "optns" });
    expect(c.baseUrl.href).toBe("https://opt:2/x/");
  });

  it("accepts a full URL as server (its scheme wins)", () => {
    expect(resolveArgoConfig({ env: { ARGO_SERVER: "http://h:9/base" } }).baseUrl.href).toBe("http://h:9/base/");
  });

  it("reads a CA file", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "ca-")), "ca.pem");
    writeFileSync(file, "PEM");
    expect(resolveArgoConfig({ env: { ARGO_SERVER: "h:1", DFLOW_ARGO_CA_FILE: file } }).ca?.toString()).toBe("PEM");
    expect(() => resolveArgoConfig({ env: { ARGO_SERVER: "h:1" }, caFile: "/nonexistent/ca.pem" })).toThrow(/cannot read the CA file/);
  });

  it("normalises tokens with or without the Bearer prefix", () => {
    expect(normalizeToken("Bearer x")).toBe("x");
    expect(normalizeToken("bearer   x ")).toBe("x");
    expect(normalizeToken("x")).toBe("x");
    expect(normalizeToken("Bearer ")).toBeUndefined();
  });

  it("explains a missing server or a bad value in one user-facing line", () => {
    const missing = () => resolveArgoConfig({ env: {} });
    expect(missing).toThrow(ArgoApiError);
    expect(missing).toThrow(/ARGO_SERVER is not set/);
    expect(() => resolveArgoConfig({ env: { ARGO_SERVER: "h:1", ARGO_SECURE: "maybe" } })).toThrow(/ARGO_SECURE="maybe" is not a boolean/);
    expect(() => resolveArgoConfig({ env: { ARGO_SERVER: "ftp://h:1" } })).toThrow(/only http and https/);
    expect(() => resolveArgoConfig({ env: { ARGO_SERVER: "h:1" }, retries: -1 })).toThrow(/retries/);
    try {
      missing();
    } catch (e) {
      expect((e as ArgoApiError).userFacing).toBe(true);
    }
  });
});
