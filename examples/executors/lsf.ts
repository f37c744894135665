// dflow §3.1.15 with LSF (bsub < job.sh, bjobs, bkill); not runnable here: no LSF on this host.
import { Step, Workflow } from "dflow-ts";
import { DispatcherExecutor } from "../../src/executors/index.ts";
import { connection, whereAmI } from "./common.ts";

const executor = new DispatcherExecutor({ ...connection, scheduler: "lsf", queueName: "normal", resources: { nodes: 1, cpusPerNode: 4, time: 3600, moduleLoads: ["gcc"] } });

const wf = new Workflow({ name: "executor-lsf" });
wf.add(new Step({ name: "where", template: whereAmI, parameters: { greeting: "hi from lsf" }, executor }));
export default wf;
