import { shq } from "../shell-quote.ts";
import { customLines, JOB_SCRIPT, SCHEDULER_LOG, seconds, type JobPoll, type Scheduler } from "./types.ts";

const ACTIVE = new Set(["PEND", "RUN", "PSUSP", "USUSP", "SSUSP", "WAIT", "PROV"]);

// IBM Spectrum LSF. Not testable here (no LSF in Debian): script generation and parsing follow
// the bsub/bjobs documentation and are unit-tested only.
export const lsf: Scheduler = {
  kind: "lsf",
  header({ name, dir, queueName, resources: r }) {
    const h = [`#BSUB -J ${name}`, `#BSUB -o ${dir}/${SCHEDULER_LOG}`, `#BSUB -cwd ${dir}`];
    if (queueName) h.push(`#BSUB -q ${queueName}`);
    if (r.nodes !== undefined || r.cpusPerNode !== undefined) {
      h.push(`#BSUB -n ${(r.nodes ?? 1) * (r.cpusPerNode ?? 1)}`);
      if (r.cpusPerNode !== undefined) h.push(`#BSUB -R "span[ptile=${r.cpusPerNode}]"`);
    }
    if (r.gpusPerNode) h.push(`#BSUB -gpu "num=${r.gpusPerNode}"`);
    if (r.memory !== undefined) h.push(`#BSUB -M ${r.memory}`);
    if (r.time !== undefined) {
      const min = Math.ceil(seconds(r.time) / 60);
      h.push(`#BSUB -W ${Math.floor(min / 60)}:${String(min % 60).padStart(2, "0")}`);
    }
    return [...h, ...customLines("#BSUB", r.customFlags)];
  },
  submit: () => `bsub < ${JOB_SCRIPT}`,
  parseJobId(r) {
    const id = /Job <(\d+)>/.exec(r.stdout)?.[1];
    if (r.code !== 0 || !id) throw new Error(`bsub failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return id;
  },
  status: (id) => `bjobs -noheader -o "stat exit_code" ${shq(id)} 2>&1`,
  parsePoll(r): JobPoll {
    const text = r.stdout.trim();
    if (!text || /is not found/.test(text)) return { kind: "gone" };
    const [state = "", exit] = text.split(/\s+/);
    if (ACTIVE.has(state)) return { kind: "active", state };
    if (state === "DONE") return { kind: "completed", state };
    if (state === "EXIT") {
      // 130 = bkill (SIGINT from LSF's kill sequence)
      if (exit === "130") return { kind: "failed", state, message: "it was killed with bkill; not retried" };
      return { kind: "transient", state, message: `it ended (exit ${exit ?? "?"}) before the step's exit code was recorded` };
    }
    if (state === "UNKWN" || state === "ZOMBI") return { kind: "transient", state, message: `LSF lost track of it (${state})` };
    return { kind: "active", state };
  },
  cancel: (id) => `bkill ${shq(id)}`,
};
