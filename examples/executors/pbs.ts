// dflow §3.1.15 with PBS/Torque (qsub, qstat -f, qdel); tested here through Slurm's Torque wrappers.
import { Step, Workflow } from "dflow-ts";
import { DispatcherExecutor } from "../../src/executors/index.ts";
import { connection, whereAmI } from "./common.ts";

const executor = new DispatcherExecutor({ ...connection, scheduler: "pbs", resources: { nodes: 1, cpusPerNode: 1, time: 600 } });

const wf = new Workflow({ name: "executor-pbs" });
wf.add(new Step({ name: "where", template: whereAmI, parameters: { greeting: "hi from pbs" }, executor }));
export default wf;
