// Workflow in argo mode against the swagger CONTRACT STUB (test/helpers/argo-stub.ts), not a live
// Argo: the stub checks every request against argo-server's swagger.json and replays statuses.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Workflow } from "../../src/index.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, SHARED_MISSING } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("Workflow with config.mode = argo (contract stub, not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let argo: { server: string; token: string; secure: boolean };

  beforeAll(async () => {
    stub = await startArgoStub();
    argo = { server: stub.server, token: stub.token, secure: false };
    stub.script((wf) => {
      const name = wf.metadata.name!;
      const t = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const s1 = `${name}-1`;
      const nodes = {
        [name]: { id: name, name, displayName: name, type: "Steps" as const, templateName: "hello", phase: "Succeeded" as const, startedAt: t, finishedAt: t, children: [s1] },
        [s1]: {
          id: s1,
          name: `${name}[1].s1`,
          displayName: "s1",
          type: "Pod" as const,
          templateName: "duplicate",
          phase: "Succeeded" as const,
          startedAt: t,
          finishedAt: t,
          boundaryID: name,
          inputs: { parameters: [{ name: "msg", value: "hi" }, { name: "num", value: "2" }] },
          outputs: { parameters: [{ name: "msg", value: "hihi" }] },
        },
      };
      return [{ phase: "Running", startedAt: t }, { phase: "Succeeded", startedAt: t, finishedAt: t, nodes }];
    });
  });
  afterAll(() => stub.close());
  afterEach(() => expect(stub.violations).toEqual([]));

  it("submits the compiled manifest, waits, and queries steps like a local run", async () => {
    const wf = (await import("../../examples/hello.ts")).default;
    await wf.submit({ mode: "argo", argo });
    expect(wf.id).toMatch(/^hello-[a-z0-9]{5}$/);
    const sent = stub.workflows().find((w) => w.metadata.name === wf.id)!;
    expect(sent.spec.templates!.find((t) => t.name === "duplicate")!.script!.source).toContain("runOp"); // the bundle went along
    expect(await wf.wait()).toBe("Succeeded");
    const [s1] = await wf.queryStep({ name: "s1" });
    expect(s1!.outputs.parameters.msg!.value).toBe("hihi");
    const again = new Workflow({ id: wf.id!, mode: "argo", argo });
    expect(await again.queryStatus()).toBe("Succeeded");
    // Terminate goes to the server, which refuses it for a finished workflow (as Argo does).
    await expect(again.terminate()).rejects.toThrow(/400.*cannot shutdown a completed workflow/);
    expect(stub.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/${wf.id}/terminate`))).toBe(true);
  });

  it("reports a wrong token with the server's status and a hint", async () => {
    const wf = new Workflow({ id: "hello-abcde", mode: "argo", argo: { ...argo, token: "wrong" } });
    await expect(wf.queryStatus()).rejects.toThrow(/401[\s\S]*ARGO_TOKEN/);
  });
});
