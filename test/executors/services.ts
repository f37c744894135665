// The real components the executor tests run against (started by scripts/ci/hpc-services.sh).
// Tests skip, with the reason, when a component is not running, unless DFLOW_TEST_HPC=1: then
// they must run, and a missing component fails them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DispatcherExecutor, type DispatcherOptions } from "../../src/executors/index.ts";

const BASE = process.env.DFLOW_SERVICES_DIR ?? "/tmp/dflow-services";
export const REQUIRED = process.env.DFLOW_TEST_HPC === "1";

function envFile(): Record<string, string> {
  const file = join(BASE, "ssh", "ssh.env");
  if (!existsSync(file)) return {};
  return Object.fromEntries([...readFileSync(file, "utf8").matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}
const fileEnv = envFile();
const v = (k: string) => process.env[k] ?? fileEnv[k];

export const ssh = {
  host: v("DFLOW_TEST_SSH_HOST") ?? "127.0.0.1",
  port: Number(v("DFLOW_TEST_SSH_PORT") ?? 2222),
  username: v("DFLOW_TEST_SSH_USER") ?? "root",
  privateKeyFile: v("DFLOW_TEST_SSH_KEY") ?? join(BASE, "ssh", "id_ed25519"),
  knownHostsFile: v("DFLOW_TEST_SSH_KNOWN_HOSTS") ?? join(BASE, "ssh", "known_hosts"),
};

const ok = (cmd: string) => spawnSync("bash", ["-c", cmd], { stdio: "ignore", timeout: 10_000 }).status === 0;
const sshUp = ok(`exec 3<>/dev/tcp/${ssh.host}/${ssh.port}`) && existsSync(ssh.privateKeyFile);
const slurmUp = sshUp && ok("squeue -h >/dev/null 2>&1");
// slurm-wlm-torque's qsub/qstat wrap Slurm (the PBS path without a real PBS server)
const installed = (pkg: string) => `dpkg-query -W -f='\${Status}' ${pkg} 2>/dev/null | grep -q 'install ok installed'`;
const torqueUp = slurmUp && ok(installed("slurm-wlm-torque"));
const sgeUp = sshUp && ok(`${installed("gridengine-client")} && SGE_ROOT=/var/lib/gridengine SGE_CELL=default qstat >/dev/null 2>&1`);

/**
 * Grid Engine's client and slurm-wlm-torque conflict, so CI runs two phases (hpc-services.sh
 * slurm | sge); with DFLOW_TEST_HPC=1 the components of DFLOW_TEST_HPC_PHASE must be up.
 */
const PHASE = process.env.DFLOW_TEST_HPC_PHASE ?? "slurm";
const PHASE_NEEDS: Record<string, string[]> = { slurm: ["ssh", "slurm", "torque"], sge: ["ssh", "slurm", "sge"] };

function why(name: string, up: boolean, start: string, component: string): string | undefined {
  if (up) return undefined;
  const msg = `${name} is not running (start it with ${start}; DFLOW_TEST_HPC=1 makes this a failure in its phase)`;
  if (REQUIRED && (PHASE_NEEDS[PHASE] ?? []).includes(component)) throw new Error(`DFLOW_TEST_HPC=1 (phase ${PHASE}) but ${msg}`);
  console.warn(`skipping executor tests: ${msg}`);
  return msg;
}

export const skip = {
  ssh: () => why("sshd on " + ssh.port, sshUp, "scripts/services/start-sshd.sh", "ssh") !== undefined,
  slurm: () => why("Slurm (or sshd)", slurmUp, "scripts/ci/hpc-services.sh slurm", "slurm") !== undefined,
  torque: () => why("slurm-wlm-torque (PBS wrappers over Slurm)", torqueUp, "scripts/ci/hpc-services.sh slurm", "torque") !== undefined,
  sge: () => why("Grid Engine (or sshd)", sgeUp, "scripts/ci/hpc-services.sh sge", "sge") !== undefined,
};

export const REMOTE_ROOT = "/tmp/dflow-remote";

export function executor(over: Partial<DispatcherOptions> & Pick<DispatcherOptions, "scheduler">): DispatcherExecutor {
  return new DispatcherExecutor({ ...ssh, remoteRoot: REMOTE_ROOT, pollInterval: 0.3, ...over });
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "dflow-exec-"));
}

export function sh(cmd: string): string {
  const r = spawnSync("bash", ["-c", cmd], { encoding: "utf8", env: { ...process.env, SLURM_CONF: join(BASE, "slurm/etc/slurm.conf"), SGE_ROOT: "/var/lib/gridengine", SGE_CELL: "default" } });
  return r.stdout;
}

/** Slurm jobs (id, name, state) whose name starts with `dflow-<prefix>`, finished ones included. */
export function slurmJobs(prefix: string): { id: string; name: string; state: string }[] {
  return sh(`squeue -h -t all -o '%i %j %T'`)
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3 && f[1]!.startsWith(`dflow-${prefix}`))
    .map(([id, name, state]) => ({ id: id!, name: name!, state: state! }));
}

export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
