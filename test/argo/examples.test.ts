// Every example's manifest is accepted by the swagger CONTRACT STUB's create and lint validation
// (WorkflowCreateRequest / WorkflowLintRequest of argo-server's swagger.json, unknown keys
// rejected). That is the REST contract, not a live Argo accepting or running them.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgoClient } from "../../src/argo/client/index.ts";
import { Workflow } from "../../src/index.ts";
import { startArgoStub, type ArgoStub } from "../helpers/argo-stub.ts";
import { hasShared, repoRoot, SHARED_MISSING } from "../helpers/shared.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

const examplesDir = path.join(repoRoot, "examples");
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".ts")).sort();

async function load(file: string): Promise<Workflow<any>> {
  const mod = (await import(path.join(examplesDir, file))) as { default?: unknown };
  expect(mod.default).toBeInstanceOf(Workflow);
  return mod.default as Workflow<any>;
}

describe.skipIf(!hasShared)("examples against the swagger contract stub (not a live Argo)", () => {
  if (!hasShared) it.skip(SHARED_MISSING, () => {});
  let stub: ArgoStub;
  let client: ArgoClient;
  const cwd = process.cwd();

  beforeAll(async () => {
    process.chdir(repoRoot);
    stub = await startArgoStub();
    client = ArgoClient.fromEnv({ server: stub.server, secure: false, token: stub.token });
  });
  afterAll(async () => {
    process.chdir(cwd);
    await stub.close();
  });

  it("has examples", () => expect(examples.length).toBeGreaterThanOrEqual(10));

  for (const file of examples) {
    it(`${file}: create and lint accept its manifest`, async () => {
      const manifest = (await load(file)).compile({ bundle: "omit" });
      const created = await client.create(manifest);
      expect(created.metadata.name).toMatch(new RegExp(`^${manifest.metadata.generateName ?? manifest.metadata.name}`));
      await client.lint(manifest);
      expect(stub.violations).toEqual([]);
    });
  }

  it("hello.ts with its function-OP bundles, as artifacts (what `dflow argo submit` sends) and inline", async () => {
    const shipped = (await load("hello.ts")).compile();
    expect(JSON.stringify(shipped)).toContain('"dflow_bundle"');
    await client.create(shipped);
    const inline = (await load("hello.ts")).compile({ inlineBundleLimit: Infinity });
    expect(decodeArgoSafeNodeScript(inline.spec.templates!.find((t) => t.name === "duplicate")!.script!.source)).toContain("runOp");
    await client.create(inline);
    expect(stub.violations).toEqual([]);
  });
});
