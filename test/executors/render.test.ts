// Unit tests (no services): rendering, job scripts for every scheduler, state parsing, known_hosts.
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANNOTATION } from "../../src/argo/dflow-conventions.ts";
import { jobScript } from "../../src/executors/client/job-script.ts";
import { verifyHostKey } from "../../src/executors/client/known-hosts.ts";
import { localPath, remoteRewriter } from "../../src/executors/client/paths.ts";
import { DispatcherExecutor, SlurmRemoteExecutor } from "../../src/executors/index.ts";
import type { JobSpec } from "../../src/executors/job-spec.ts";
import { SCHEDULERS } from "../../src/executors/schedulers/index.ts";
import { decodeArgoSafeNodeScript } from "../../src/compile/node-source.ts";

const base = { host: "h", username: "u", privateKeyFile: "~/.ssh/id", remoteRoot: "/scratch/u", scheduler: "slurm" } as const;

describe("DispatcherExecutor.render", () => {
  const t = new DispatcherExecutor({ ...base, queueName: "gpu" }).render({
    name: "t",
    inputs: { parameters: [{ name: "x" }], artifacts: [{ name: "a", path: "/tmp/a" }] },
    outputs: { parameters: [{ name: "o", valueFrom: { path: "/tmp/o" } }] },
    retryStrategy: { limit: 2 },
    script: { image: "alpine", command: ["sh"], source: "cat /tmp/a > /tmp/o; echo {{inputs.parameters.x}}", env: [{ name: "E", value: "{{inputs.parameters.x}}" }] },
  });

  it("is a function-kind node script with the original IO, retries and the substitutable parts in env", () => {
    expect(t.metadata!.annotations![ANNOTATION.opKind]).toBe("function");
    expect(t.metadata!.annotations![ANNOTATION.bundleHash]).toBe(createHash("sha256").update(decodeArgoSafeNodeScript(t.script!.source)!).digest("hex").slice(0, 16));
    expect(t.script!.command).toEqual(["node"]);
    expect(t.inputs!.artifacts).toEqual([{ name: "a", path: "/tmp/a" }]);
    expect(t.retryStrategy).toEqual({ limit: 2 });
    expect(t.container).toBeUndefined();
    expect(Object.fromEntries(t.script!.env!.map((e) => [e.name, e.value]))).toEqual({
      E: "{{inputs.parameters.x}}",
      DFLOW_DISPATCH_COMMAND_0: "sh",
      DFLOW_DISPATCH_SOURCE: "cat /tmp/a > /tmp/o; echo {{inputs.parameters.x}}",
      DFLOW_DISPATCH_WORKFLOW: "{{workflow.name}}",
      DFLOW_DISPATCH_STEP: "{{pod.name}}",
    });
    expect(decodeArgoSafeNodeScript(t.script!.source)!.startsWith('var __dflow_dispatch_spec={"version":1')).toBe(true);
  });

  it("names variants by scheduler and options, and checks its options", () => {
    expect(new DispatcherExecutor(base).name).toMatch(/^slurm-[0-9a-f]{6}$/);
    expect(new DispatcherExecutor(base).name).not.toBe(new DispatcherExecutor({ ...base, queueName: "q" }).name);
    expect(() => new DispatcherExecutor({ ...base, remoteRoot: "rel", scheduler: "x" as never })).toThrow(
      /remoteRoot must be an absolute path.*|scheduler must be one of/,
    );
    expect(() => new DispatcherExecutor(base).render({ name: "s", steps: [] })).toThrow(/script, container and function templates/);
  });
});

describe("SlurmRemoteExecutor", () => {
  const spec = (e: DispatcherExecutor): JobSpec => {
    const source = e.render({ name: "t", script: { image: "alpine", command: ["sh"], source: "true" } }).script!.source;
    return JSON.parse(/^var __dflow_dispatch_spec=(.*);$/m.exec(decodeArgoSafeNodeScript(source)!)![1]!) as JobSpec;
  };
  it("is a Slurm DispatcherExecutor carrying dflow's header, workdir and interval", () => {
    const e = new SlurmRemoteExecutor({ host: "1.2.3.4", username: "me", password: "pw", header: "#!/bin/bash\n#SBATCH -N 1\n#SBATCH -p cpu" });
    const s = spec(e);
    expect(s).toMatchObject({ scheduler: "slurm", remoteRoot: "~/dflow/workflows", pollInterval: 3, header: "#!/bin/bash\n#SBATCH -N 1\n#SBATCH -p cpu" });
    expect(s.connection).toMatchObject({ host: "1.2.3.4", port: 22, username: "me", password: "pw" });
    expect(e.name).toMatch(/^slurm-[0-9a-f]{6}$/);
    expect(e.name).not.toBe(new SlurmRemoteExecutor({ host: "1.2.3.4", username: "me", header: "#SBATCH -p gpu" }).name);
    const t = e.render({ name: "t", script: { image: "alpine", command: ["sh"], source: "true" } });
    expect(t.metadata!.annotations!["dflow-ts/executor"]).toBe("slurm-remote");
    expect(spec(new SlurmRemoteExecutor({ host: "h", username: "u", remoteRoot: "/scratch/u", interval: 0.5 }))).toMatchObject({ remoteRoot: "/scratch/u", pollInterval: 0.5 });
    expect(() => new SlurmRemoteExecutor({ host: "h", username: "u", remoteRoot: "rel/dir" })).toThrow(/remoteRoot must be an absolute path or one under the remote home/);
  });
});

describe("job scripts", () => {
  const resources = { nodes: 2, cpusPerNode: 4, gpusPerNode: 1, memory: "8G", time: 3725, customFlags: ["--exclusive"], moduleLoads: ["gcc/12"], sourceFiles: ["/opt/env.sh"], envs: { OMP_NUM_THREADS: "4" } };
  const script = (kind: keyof typeof SCHEDULERS) =>
    jobScript({ scheduler: SCHEDULERS[kind], name: "dflow-x", dir: "/r/j", cwd: "/r/j/root", queueName: "q", resources, env: { A: "it's" }, argv: ["sh", "/r/j/script"] });

  it("Slurm", () => {
    const s = script("slurm");
    for (const l of ["#SBATCH --job-name=dflow-x", "#SBATCH --partition=q", "#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=4", "#SBATCH --gres=gpu:1", "#SBATCH --mem=8G", "#SBATCH --time=1:02:05", "#SBATCH --exclusive"])
      expect(s).toContain(l + "\n");
    expect(s).toContain("module load gcc/12\n. /opt/env.sh\nexport OMP_NUM_THREADS=4\nexport A='it'\\''s'\n");
    expect(s).toContain("sh /r/j/script > /r/j/stdout 2> /r/j/stderr < /dev/null\necho $? > /r/j/exit_code.tmp && mv /r/j/exit_code.tmp /r/j/exit_code\n");
  });
  it("SGE, PBS, LSF, shell", () => {
    expect(script("sge")).toMatch(/#\$ -N dflow-x\n#\$ -S \/bin\/sh\n#\$ -wd \/r\/j\n.*#\$ -q q\n#\$ -l h_rt=1:02:05\n#\$ -l h_vmem=8G\n#\$ -l gpu=1\n#\$ --exclusive\n/s);
    expect(script("pbs")).toContain("#PBS -l nodes=2:ppn=4:gpus=1\n#PBS -l mem=8gb\n#PBS -l walltime=1:02:05\n");
    expect(script("lsf")).toContain('#BSUB -n 8\n#BSUB -R "span[ptile=4]"\n#BSUB -gpu "num=1"\n#BSUB -M 8G\n#BSUB -W 1:03\n');
    expect(script("shell").split("\n")[1]).toBe("# generated by dflow-ts DispatcherExecutor");
  });
  it("a raw header: its #! line replaces #!/bin/sh, its lines (de-indented) follow the generated directives", () => {
    const s = jobScript({
      scheduler: SCHEDULERS.slurm, name: "dflow-x", dir: "/r/j", cwd: "/r/j/root", queueName: "q", resources: {}, env: {}, argv: ["true"],
      header: `#!/bin/bash
               #SBATCH -N 1

               #SBATCH --job-name=mine   `,
    });
    expect(s.split("\n").slice(0, 7)).toEqual([
      "#!/bin/bash",
      "#SBATCH --job-name=dflow-x",
      "#SBATCH --output=/r/j/scheduler.log",
      "#SBATCH --chdir=/r/j",
      "#SBATCH --partition=q",
      "#SBATCH -N 1",
      "#SBATCH --job-name=mine",
    ]);
    const noShebang = jobScript({ scheduler: SCHEDULERS.pbs, name: "x", dir: "/r/j", cwd: "/r/j", resources: {}, env: {}, argv: ["true"], header: "#PBS -l select=1" });
    expect(noShebang.split("\n")[0]).toBe("#!/bin/sh");
    expect(noShebang).toContain("#PBS -j oe\n#PBS -l select=1\n");
  });
  it("parses submissions and states", () => {
    const r = (stdout: string, code = 0) => ({ stdout, stderr: "", code });
    expect(SCHEDULERS.slurm.parseJobId(r("42;cluster\n"))).toBe("42");
    expect(SCHEDULERS.sge.parseJobId(r("17\n"))).toBe("17");
    expect(SCHEDULERS.lsf.parseJobId(r("Job <9> is submitted to queue <normal>.\n"))).toBe("9");
    expect(() => SCHEDULERS.slurm.parseJobId({ stdout: "", stderr: "sbatch: error: invalid partition", code: 1 })).toThrow(/invalid partition/);
    expect(SCHEDULERS.slurm.parsePoll(r("NODE_FAIL")).kind).toBe("transient");
    expect(SCHEDULERS.slurm.parsePoll(r("CANCELLED by 0")).kind).toBe("failed");
    expect(SCHEDULERS.slurm.parsePoll(r("")).kind).toBe("gone");
    expect(SCHEDULERS.sge.parsePoll(r("Eqw")).kind).toBe("failed");
    expect(SCHEDULERS.pbs.parsePoll(r("Job Id: 3\n    job_state = R\n")).kind).toBe("active");
    expect(SCHEDULERS.lsf.parsePoll(r("EXIT 130")).kind).toBe("failed");
    expect(SCHEDULERS.lsf.parsePoll(r("UNKWN -")).kind).toBe("transient");
  });
});

describe("paths", () => {
  it("mirrors the engine's function path map locally and its container rewrite remotely", () => {
    expect(localPath("/tmp/inputs/artifacts/a", "/run/s", "/run/s/workdir")).toBe("/run/s/inputs/artifacts/a");
    expect(localPath("/data/x", "/run/s", "/run/s/workdir")).toBe("/run/s/workdir/data/x");
    expect(localPath("/tmp/x", undefined, "/")).toBe("/tmp/x");
    const rw = remoteRewriter("/r/root", ["/tmp/out/f", "/usr/share/x"]);
    expect(rw("mkdir -p /tmp/out; cp /usr/share/x /tmp/y; ls /usr/bin /tmpfoo")).toBe("mkdir -p /r/root/tmp/out; cp /r/root/usr/share/x /r/root/tmp/y; ls /usr/bin /tmpfoo");
  });
});

describe("known_hosts", () => {
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from("ssh-ed25519"), Buffer.from([0, 0, 0, 4, 1, 2, 3, 4])]);
  const b64 = blob.toString("base64");
  const file = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), "kh-")), "known_hosts");
    writeFileSync(f, text);
    return f;
  };
  it("matches plain, [host]:port, wildcard and hashed entries", () => {
    expect(verifyHostKey(file(`h.example ssh-ed25519 ${b64}\n`), "h.example", 22, blob).ok).toBe(true);
    expect(verifyHostKey(file(`[h]:2222 ssh-ed25519 ${b64}\n`), "h", 2222, blob).ok).toBe(true);
    expect(verifyHostKey(file(`*.example,!bad.example ssh-ed25519 ${b64}\n`), "bad.example", 22, blob)).toMatchObject({ ok: false, reason: "unknown" });
    const salt = Buffer.from("saltsaltsaltsaltsalt");
    const hash = createHmac("sha1", salt).update("h").digest("base64");
    expect(verifyHostKey(file(`|1|${salt.toString("base64")}|${hash} ssh-ed25519 ${b64}\n`), "h", 22, blob).ok).toBe(true);
  });
  it("tells unknown, changed and revoked apart", () => {
    const other = Buffer.concat([blob.subarray(0, blob.length - 1), Buffer.from([9])]).toString("base64");
    expect(verifyHostKey(file(`h ssh-ed25519 ${other}\n`), "h", 22, blob)).toMatchObject({ ok: false, reason: "changed" });
    expect(verifyHostKey(file(`@revoked h ssh-ed25519 ${b64}\nh ssh-ed25519 ${b64}\n`), "h", 22, blob)).toMatchObject({ ok: false, reason: "revoked" });
  });
});
