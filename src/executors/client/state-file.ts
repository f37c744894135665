// The job id, persisted in the step's working directory right after submission, so that a client
// started again for the same step (the engine was restarted) re-attaches instead of resubmitting.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SchedulerKind } from "../options.ts";
import { RESUME_STATE_FILE } from "../../argo/dflow-conventions.ts";

/** Kept by the engine across a resume (see RESUME_STATE_FILE). */
export const STATE_FILE = RESUME_STATE_FILE;

export interface DispatchState {
  version: 1;
  scheduler: SchedulerKind;
  host: string;
  jobId: string;
  remoteDir: string;
  submittedAt: string;
}

export function readState(dir: string): DispatchState | undefined {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as DispatchState;
    return s.version === 1 && typeof s.jobId === "string" ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(dir: string, state: DispatchState): void {
  const file = join(dir, STATE_FILE);
  writeFileSync(file + ".tmp", JSON.stringify(state, null, 2) + "\n");
  renameSync(file + ".tmp", file);
}
