import { shq } from "../shell-quote.ts";
import { JOB_SCRIPT, SCHEDULER_LOG, type JobPoll, type Scheduler } from "./types.ts";

// No batch system: the job script runs in the background over SSH, in a session of its own so
// that cancelling kills everything it started. The job id is that session leader's pid.
export const shell: Scheduler = {
  kind: "shell",
  header: () => [],
  submit: (jobDir) => `nohup setsid sh ${shq(`${jobDir}/${JOB_SCRIPT}`)} > ${SCHEDULER_LOG} 2>&1 < /dev/null & echo $!`,
  parseJobId(r) {
    const id = r.stdout.trim();
    if (r.code !== 0 || !/^\d+$/.test(id)) throw new Error(`starting the job failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    return id;
  },
  // The pid must still run this job's script (pids are reused).
  status: (id, jobDir) => `ps -o args= -p ${shq(id)} 2>/dev/null | grep -qF ${shq(`${jobDir}/${JOB_SCRIPT}`)} && echo RUNNING || true`,
  parsePoll: (r): JobPoll => (r.stdout.trim() === "RUNNING" ? { kind: "active", state: "RUNNING" } : { kind: "gone" }),
  cancel: (id) => `kill -TERM -- -${shq(id)} 2>/dev/null; sleep 1; kill -KILL -- -${shq(id)} 2>/dev/null; true`,
};
