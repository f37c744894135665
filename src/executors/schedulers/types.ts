import type { Resources, SchedulerKind } from "../options.ts";

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** What a scheduler says about a job whose exit-code file is not there (yet). */
export type JobPoll =
  | { kind: "active"; state: string }
  /** The scheduler reports success but the exit-code file is missing: checked again, then transient. */
  | { kind: "completed"; state: string }
  /** Over, and retrying may help (node failure, preemption, killed from outside). */
  | { kind: "transient"; state: string; message: string }
  /** Over, and retrying would not help (cancelled by someone, time or memory limit). */
  | { kind: "failed"; state: string; message: string }
  /** The scheduler does not know the job (any more). */
  | { kind: "gone" };

export interface JobHeader {
  /** Job name, already made safe for the scheduler. */
  name: string;
  /** Absolute remote directory of the job (scheduler logs go there). */
  dir: string;
  queueName?: string;
  resources: Resources;
}

/** One batch system: job-script header and the commands run over SSH (in the job's directory). */
export interface Scheduler {
  readonly kind: SchedulerKind;
  header(job: JobHeader): string[];
  /** Shell command that submits `job.sh` from the job directory and prints the job id. */
  submit(jobDir: string): string;
  parseJobId(r: ExecResult): string;
  status(id: string, jobDir: string): string;
  parsePoll(r: ExecResult): JobPoll;
  cancel(id: string): string;
}

export const JOB_SCRIPT = "job.sh";
export const SCHEDULER_LOG = "scheduler.log";

/** Seconds from a number of seconds or "[D-]HH:MM:SS" / "MM:SS". */
export function seconds(time: number | string): number {
  if (typeof time === "number") return Math.ceil(time);
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(time.trim());
  if (!m) {
    if (/^\d+$/.test(time.trim())) return Number(time);
    throw new Error(`resources.time: expected seconds or "HH:MM:SS", got ${JSON.stringify(time)}`);
  }
  const [, d, h, mi, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi)) * 60 + Number(s);
}

export function hms(time: number | string): string {
  const total = seconds(time);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(total / 3600)}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}

/** Custom flags are whole directive lines when they start with "#", else get the directive prefix. */
export function customLines(prefix: string, flags: readonly string[] | undefined): string[] {
  return (flags ?? []).map((f) => (f.startsWith("#") ? f : `${prefix} ${f}`));
}

export function parseFirstWord(stdout: string): string {
  return (stdout.trim().split(/\s+/)[0] ?? "").toUpperCase();
}
