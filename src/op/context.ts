import { writeFileSync } from "node:fs";

/** What an OP's `run`/`execute` gets besides its inputs. */
export interface OpContext {
  /** The step's working directory (also the process's cwd while the OP runs). */
  readonly workdir: string;
  /** Report progress; shown live by `dflow run`/`dflow status` and by Argo's UI. */
  progress(current: number, total: number): void;
  /** A line in the step's log. */
  log(...args: unknown[]): void;
}

export function makeContext(workdir: string, progressFile: string | undefined): OpContext {
  return {
    workdir,
    progress(current, total) {
      if (!progressFile) return;
      // Argo reads "N/M" from this file; a failed write must never fail the OP.
      try {
        writeFileSync(progressFile, `${Math.max(0, Math.floor(current))}/${Math.max(1, Math.floor(total))}`);
      } catch {}
    },
    log(...args) {
      console.log(...args);
    },
  };
}
