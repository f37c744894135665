// The client outside the engine (main mode: `node script`), host-key checking, and the
// "shell over SSH" runner.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputParameter, OutputParameter, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import type { Template } from "../../src/argo/manifest.ts";
import { executor, sh, skip, slurmJobs, tempRoot, until } from "./services.ts";

afterAll(() => closeAll());

const echoSlowly: Template = {
  name: "echo-slowly",
  outputs: { parameters: [{ name: "out", valueFrom: { path: "/tmp/out.txt" } }] },
  script: { image: "alpine", command: ["sh"], source: "sleep 4; echo reattached > /tmp/out.txt; echo done" },
};

/** Runs a rendered template's client as `node script` in dir, as a pod would. */
function startClient(source: string, dir: string, env: Record<string, string>) {
  writeFileSync(join(dir, "script"), source);
  mkdirSync(join(dir, "workdir"), { recursive: true });
  const child = spawn(process.execPath, [join(dir, "script")], {
    cwd: join(dir, "workdir"),
    env: { PATH: process.env.PATH ?? "", DFLOW_IO_ROOT: dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const done = new Promise<{ code: number | null; out: string; err: string }>((r) => child.on("close", (code) => r({ code, out, err })));
  return { child, done };
}

describe.skipIf(skip.slurm())("re-attach", () => {
  it("a client started again for the same step re-attaches to the running job instead of submitting another", async () => {
    const t = executor({ scheduler: "slurm", pollInterval: 0.3 }).render(echoSlowly);
    const dir = tempRoot();
    const wfName = `reattach-${Date.now().toString(36)}`;
    const env = Object.fromEntries(t.script!.env!.map((e) => [e.name, e.value!.replace("{{workflow.name}}", wfName).replace("{{pod.name}}", `${wfName}-1`)]));
    const first = startClient(t.script!.source, dir, env);
    const job = await until("the job to run", () => slurmJobs(wfName).find((j) => j.state === "RUNNING"));
    first.child.kill("SIGKILL"); // the engine died (kill -9): the job keeps running
    await first.done;
    expect(slurmJobs(wfName).map((j) => j.state)).toEqual(["RUNNING"]);
    const second = await startClient(t.script!.source, dir, env).done;
    expect(second.err).toContain(`re-attaching to slurm job ${job.id}`);
    expect(second.code).toBe(0);
    expect(second.out.trim()).toBe("done");
    // /tmp/… maps under DFLOW_IO_ROOT, as for function OPs in the engine
    expect(readFileSync(join(dir, "out.txt"), "utf8").trim()).toBe("reattached");
    expect(slurmJobs(wfName)).toEqual([{ ...job, state: "COMPLETED" }]);
  }, 60_000);

  it("SIGTERM (a pod's terminate) cancels the job before the client exits", async () => {
    const t = executor({ scheduler: "slurm", pollInterval: 0.3 }).render(echoSlowly);
    const wfName = `sigterm-${Date.now().toString(36)}`;
    const env = Object.fromEntries(t.script!.env!.map((e) => [e.name, e.value!.replace("{{workflow.name}}", wfName).replace("{{pod.name}}", `${wfName}-1`)]));
    const c = startClient(t.script!.source, tempRoot(), env);
    await until("the job to run", () => slurmJobs(wfName).find((j) => j.state === "RUNNING"));
    c.child.kill("SIGTERM");
    const r = await c.done;
    expect(r.code).toBe(143);
    expect(r.err).toContain("SIGTERM: cancelling job");
    await until("the job to be cancelled", () => slurmJobs(wfName)[0]?.state === "CANCELLED", 10_000);
  }, 60_000);
});

describe.skipIf(skip.ssh())("host-key checking and the shell runner", () => {
  it("rejects an unknown host with its fingerprint and how to trust it", async () => {
    const empty = join(tempRoot(), "known_hosts");
    writeFileSync(empty, "");
    const wf = new Workflow({ name: "exec-hostkey" });
    const t = new ShellOPTemplate({ name: "noop", script: "true" });
    wf.add(new Step({ name: "noop", template: t, executor: executor({ scheduler: "shell", knownHostsFile: empty }) }));
    await wf.submit({ root: tempRoot() });
    expect(await wf.wait()).toBe("Failed");
    const log = readFileSync(join((await wf.queryStep({ type: "Pod" }))[0]!.dir!, "log.txt"), "utf8");
    const fp = spawnSync("ssh-keygen", ["-lf", "/tmp/dflow-services/ssh/host_ed25519.pub"], { encoding: "utf8" }).stdout.split(" ")[1];
    expect(log).toContain(`host key verification failed: [127.0.0.1]:2222 is not a known host (no ssh-ed25519 key for it in ${empty})`);
    expect(log).toContain(`Its ssh-ed25519 key has fingerprint ${fp}.`);
    expect(log).toContain(`ssh-keyscan -p 2222 -t ed25519 127.0.0.1 >> ${empty}`);
  });

  it("rejects a host whose key changed", async () => {
    const other = join(tempRoot(), "known_hosts");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other + ".key"]);
    writeFileSync(other, `[127.0.0.1]:2222 ${readFileSync(other + ".key.pub", "utf8").split(" ").slice(0, 2).join(" ")}\n`);
    const wf = new Workflow({ name: "exec-hostkey-changed" });
    wf.add(new Step({ name: "noop", template: new ShellOPTemplate({ name: "noop", script: "true" }), executor: executor({ scheduler: "shell", knownHostsFile: other }) }));
    await wf.submit({ root: tempRoot() });
    expect(await wf.wait()).toBe("Failed");
    expect(readFileSync(join((await wf.queryStep({ type: "Pod" }))[0]!.dir!, "log.txt"), "utf8")).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
  });

  it("runs steps as plain background processes over SSH (scheduler: shell)", async () => {
    const t = new ShellOPTemplate({
      name: "greet",
      script: "mkdir -p /tmp/o && echo \"hi {{inputs.parameters.who}} from $(basename $(pwd))\" | tee /tmp/o/msg; echo oops >&2; exit {{inputs.parameters.code}}",
      inputs: { parameters: { who: new InputParameter<string>(), code: new InputParameter<number>() } },
      outputs: { parameters: { msg: new OutputParameter<string>({ valueFromPath: "/tmp/o/msg" }) } },
    });
    const ex = executor({ scheduler: "shell" });
    const wf = new Workflow({ name: "exec-shell" });
    wf.add([
      new Step({ name: "ok", template: t, parameters: { who: "shell", code: 0 }, executor: ex }),
      new Step({ name: "bad", template: t, parameters: { who: "bad", code: 5 }, executor: ex, continueOnFailed: true }),
    ]);
    await wf.submit({ root: tempRoot() });
    expect(await wf.wait()).toBe("Succeeded");
    const [ok] = await wf.queryStep({ name: "ok" });
    const [bad] = await wf.queryStep({ name: "bad" });
    expect(ok!.outputs.parameters.msg!.value).toBe("hi shell from root");
    expect(ok!.outputs.result).toBe("hi shell from root");
    expect(bad!.phase).toBe("Failed");
    expect(bad!.outputs.exitCode).toBe("5");
    expect(readFileSync(join(bad!.dir!, "log.txt"), "utf8")).toContain("oops");
  });
});
