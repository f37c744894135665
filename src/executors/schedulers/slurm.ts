import { shq } from "../shell-quote.ts";
import { customLines, hms, JOB_SCRIPT, SCHEDULER_LOG, parseFirstWord, type JobPoll, type Scheduler } from "./types.ts";

const ACTIVE = new Set(["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD"]);
const TRANSIENT: Record<string, string> = {
  NODE_FAIL: "its node failed",
  PREEMPTED: "it was preempted",
  BOOT_FAIL: "its node failed to boot",
  REVOKED: "it was revoked (federation)",
  // The job script records the step's exit code last; FAILED without it means the whole job was
  // killed from outside the step (scancel --signal, the OOM killer, a node problem).
  FAILED: "its processes were killed before the step's exit code was recorded (a signal from outside the step)",
};
const FAILED: Record<string, string> = {
  CANCELLED: "it was cancelled by someone else (scancel); not retried",
  TIMEOUT: "it reached its time limit (resources.time)",
  OUT_OF_MEMORY: "it ran out of memory (resources.memory)",
  DEADLINE: "it reached its deadline",
  SPECIAL_EXIT: "it ended in SPECIAL_EXIT",
};

export const slurm: Scheduler = {
  kind: "slurm",
  header({ name, dir, queueName, resources: r }) {
    const h = [`#SBATCH --job-name=${name}`, `#SBATCH --output=${dir}/${SCHEDULER_LOG}`, `#SBATCH --chdir=${dir}`];
    if (queueName) h.push(`#SBATCH --partition=${queueName}`);
    if (r.nodes !== undefined) h.push(`#SBATCH --nodes=${r.nodes}`);
    if (r.cpusPerNode !== undefined) h.push(`#SBATCH --ntasks-per-node=${r.cpusPerNode}`);
    if (r.gpusPerNode) h.push(`#SBATCH --gres=gpu:${r.gpusPerNode}`);
    if (r.memory !== undefined) h.push(`#SBATCH --mem=${r.memory}`);
    if (r.time !== undefined) h.push(`#SBATCH --time=${hms(r.time)}`);
    return [...h, ...customLines("#SBATCH", r.customFlags)];
  },
  submit: () => `sbatch --parsable ${JOB_SCRIPT}`,
  parseJobId(r) {
    const id = r.stdout.trim().split(";")[0] ?? "";
    if (r.code !== 0 || !/^\d+(_\d+)?$/.test(id)) throw new Error(`sbatch failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return id;
  },
  // Finished jobs stay in squeue for MinJobAge; sacct (when accounting is on) knows older ones.
  status: (id) =>
    `s=$(squeue -h -j ${shq(id)} -t all -o %T 2>/dev/null); if [ -n "$s" ]; then echo "$s"; else sacct -n -X -P -j ${shq(id)} -o State 2>/dev/null | head -n 1; fi`,
  parsePoll(r): JobPoll {
    const state = parseFirstWord(r.stdout);
    if (!state) return { kind: "gone" };
    if (ACTIVE.has(state)) return { kind: "active", state };
    if (state === "COMPLETED") return { kind: "completed", state };
    if (TRANSIENT[state]) return { kind: "transient", state, message: TRANSIENT[state] };
    if (FAILED[state]) return { kind: "failed", state, message: FAILED[state] };
    return { kind: "active", state };
  },
  cancel: (id) => `scancel ${shq(id)}`,
};
