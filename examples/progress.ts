// OPs report progress while they run (dflow's test_progress): `dflow run` and `dflow status`
// show it live, and it is kept in the record (Argo shows it in its UI the same way).
import { FunctionOPTemplate, Step, Workflow } from "dflow-ts";
import { countUp, Progress } from "./ops/progress.ts";

const wf = new Workflow({ name: "progress" });
wf.add([
  new Step({ name: "class-op", template: new FunctionOPTemplate(Progress), parameters: { steps: 10, delayMs: 100 } }),
  new Step({ name: "function-op", template: countUp, parameters: { steps: 5, delayMs: 100 } }),
]);
export default wf;
