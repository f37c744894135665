import { shq } from "../shell-quote.ts";
import { customLines, hms, JOB_SCRIPT, SCHEDULER_LOG, type JobPoll, type Scheduler } from "./types.ts";

// PBS Pro and Torque. Torque keeps finished jobs as "C" with exit_status; PBS Pro shows them
// with -x as "F". A job qstat does not know is "gone": the exit-code file then decides.
export const pbs: Scheduler = {
  kind: "pbs",
  header({ name, dir, queueName, resources: r }) {
    const h = [`#PBS -N ${name.slice(0, 15)}`, `#PBS -o ${dir}/${SCHEDULER_LOG}`, "#PBS -j oe"];
    if (queueName) h.push(`#PBS -q ${queueName}`);
    if (r.nodes !== undefined || r.cpusPerNode !== undefined || r.gpusPerNode) {
      let sel = `nodes=${r.nodes ?? 1}:ppn=${r.cpusPerNode ?? 1}`;
      if (r.gpusPerNode) sel += `:gpus=${r.gpusPerNode}`;
      h.push(`#PBS -l ${sel}`);
    }
    if (r.memory !== undefined) h.push(`#PBS -l mem=${r.memory.toLowerCase().replace(/([kmgt])$/, "$1b")}`);
    if (r.time !== undefined) h.push(`#PBS -l walltime=${hms(r.time)}`);
    return [...h, ...customLines("#PBS", r.customFlags)];
  },
  submit: () => `qsub ${JOB_SCRIPT}`,
  parseJobId(r) {
    const id = r.stdout.trim().split(/\s+/).pop() ?? "";
    if (r.code !== 0 || !/^\d+/.test(id)) throw new Error(`qsub failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return id;
  },
  status: (id) => `qstat -f ${shq(id)} 2>/dev/null || qstat -x -f ${shq(id)} 2>/dev/null`,
  parsePoll(r): JobPoll {
    const state = /job_state\s*=\s*(\w+)/.exec(r.stdout)?.[1] ?? "";
    if (!state) return { kind: "gone" };
    if (state === "C" || state === "F") {
      const raw = /exit_status\s*=\s*(-?\d+)/.exec(r.stdout)?.[1];
      const exit = Number(raw);
      // Slurm's Torque wrappers (slurm-wlm-torque) print no exit_status: the exit-code file decides.
      if (raw === undefined || exit === 0) return { kind: "completed", state };
      // Torque/PBS report a job killed by the server (qdel, walltime) with a negative or >256 status.
      if (exit === 271 || exit === -11) return { kind: "failed", state, message: "it was killed by the batch server (qdel or a limit); not retried" };
      return { kind: "transient", state, message: `it ended (exit_status ${exit}) before the step's exit code was recorded` };
    }
    return { kind: "active", state };
  },
  cancel: (id) => `qdel ${shq(id)}`,
};
