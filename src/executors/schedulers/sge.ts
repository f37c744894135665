import { shq } from "../shell-quote.ts";
import { customLines, hms, JOB_SCRIPT, SCHEDULER_LOG, type JobPoll, type Scheduler } from "./types.ts";

export const sge: Scheduler = {
  kind: "sge",
  header({ name, dir, queueName, resources: r }) {
    // Always name the job: qsub's default name for some scripts breaks it.
    const h = [`#$ -N ${name}`, "#$ -S /bin/sh", `#$ -wd ${dir}`, `#$ -o ${dir}/${SCHEDULER_LOG}`, "#$ -j y"];
    if (queueName) h.push(`#$ -q ${queueName}`);
    if (r.time !== undefined) h.push(`#$ -l h_rt=${hms(r.time)}`);
    if (r.memory !== undefined) h.push(`#$ -l h_vmem=${r.memory}`);
    if (r.gpusPerNode) h.push(`#$ -l gpu=${r.gpusPerNode}`);
    // Slots need a site-specific parallel environment: pass it in customFlags ("-pe smp 4").
    return [...h, ...customLines("#$", r.customFlags)];
  },
  submit: () => `qsub -terse ${JOB_SCRIPT}`,
  parseJobId(r) {
    const id = r.stdout.trim().split(/\s+/)[0] ?? "";
    if (r.code !== 0 || !/^\d+/.test(id)) throw new Error(`qsub failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return id.split(".")[0]!;
  },
  status: (id) => `qstat | awk -v id=${shq(id)} '$1 == id { print $5 }'`,
  parsePoll(r): JobPoll {
    const state = r.stdout.trim().split(/\s+/)[0] ?? "";
    if (!state) return { kind: "gone" };
    if (state.includes("E")) return { kind: "failed", state, message: `Grid Engine put it in error state ${state} (see qstat -j for the reason)` };
    return { kind: "active", state };
  },
  cancel: (id) => `qdel ${shq(id)}`,
};
