// The "shell over SSH" runner as a workflow context (dflow's Workflow(context=...)): every pod
// step of the workflow runs on the remote host as a background process, no batch system.
import { Step, Workflow } from "dflow-ts";
import { DispatcherExecutor } from "../../src/executors/index.ts";
import { connection, whereAmI } from "./common.ts";

const wf = new Workflow({ name: "executor-shell", context: new DispatcherExecutor({ ...connection, scheduler: "shell" }) });
wf.add([new Step({ name: "a", template: whereAmI, parameters: { greeting: "a" } }), new Step({ name: "b", template: whereAmI, parameters: { greeting: "b" } })]);
export default wf;
