// The examples under examples/executors: each compiles to dispatcher templates, and runs on the
// loopback cluster when its scheduler is up (LSF only compiles: there is no LSF here).
import { afterAll, describe, expect, it } from "vitest";
import type { Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { skip, tempRoot } from "./services.ts";

afterAll(() => closeAll());

const load = async (name: string) => (await import(`../../examples/executors/${name}.ts`)).default as Workflow;

describe("examples/executors", () => {
  it.each(["slurm", "slurm-remote", "sge", "pbs", "lsf", "shell-context"])("%s compiles to dispatcher templates", async (name) => {
    const m = (await load(name)).compile();
    const dispatched = m.spec.templates!.filter((t) => t.metadata?.annotations?.["dflow-ts/executor"]);
    expect(dispatched.length).toBeGreaterThan(0);
    for (const t of dispatched) expect(t.metadata!.annotations!["dflow-ts/op-kind"]).toBe("function");
  });

  const run = async (name: string) => {
    const wf = await load(name);
    await wf.submit({ root: tempRoot() });
    expect(await wf.wait()).toBe("Succeeded");
    return wf;
  };
  it.skipIf(skip.slurm())("slurm runs", async () => {
    const wf = await run("slurm");
    const [where] = await wf.queryStep({ name: "where" });
    expect(where!.outputs.parameters.msg!.value).toMatch(/^hi from \S+ \(job \d+\)$/);
    const [dup] = await wf.queryStep({ name: "duplicate" });
    expect(dup!.outputs.parameters.msg!.value).toBe("ababab");
  }, 60_000);
  it.skipIf(skip.slurm())("slurm-remote runs", async () => {
    const wf = await run("slurm-remote");
    const [where] = await wf.queryStep({ name: "where" });
    expect(where!.outputs.parameters.msg!.value).toMatch(/^hello from \S+ \(job \d+\)$/);
  }, 60_000);
  it.skipIf(skip.ssh())("shell-context runs", async () => {
    await run("shell-context");
  }, 60_000);
  it.skipIf(skip.torque())("pbs runs", async () => {
    await run("pbs");
  }, 60_000);
  it.skipIf(skip.sge())("sge runs", async () => {
    await run("sge");
  }, 60_000);
});
