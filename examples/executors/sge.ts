// dflow §3.1.15 with Grid Engine (qsub -N …, qstat, qdel).
import { Step, Workflow } from "dflow-ts";
import { DispatcherExecutor } from "../../src/executors/index.ts";
import { connection, whereAmI } from "./common.ts";

const executor = new DispatcherExecutor({ ...connection, scheduler: "sge", queueName: "all.q", resources: { time: 600, memory: "1G" } });

const wf = new Workflow({ name: "executor-sge" });
wf.add(new Step({ name: "where", template: whereAmI, parameters: { greeting: "hi from sge" }, executor }));
export default wf;
