import type { SchedulerKind } from "../options.ts";
import { lsf } from "./lsf.ts";
import { pbs } from "./pbs.ts";
import { sge } from "./sge.ts";
import { shell } from "./shell.ts";
import { slurm } from "./slurm.ts";
import type { Scheduler } from "./types.ts";

export const SCHEDULERS: Readonly<Record<SchedulerKind, Scheduler>> = { slurm, sge, pbs, lsf, shell };
export type { JobHeader, JobPoll, Scheduler, ExecResult } from "./types.ts";
