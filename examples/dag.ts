// A DAG whose dependencies are inferred from the tasks' inputs (parameters and artifacts), plus
// one explicit dependency (dflow's test_dag).
import { DAG, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Task, Workflow } from "dflow-ts";
import { duplicate } from "./ops/duplicate.ts";
import { plusOne } from "./ops/math.ts";

const hello = new ShellOPTemplate({
  name: "hello",
  script: "mkdir -p /tmp/out && echo Hello > /tmp/out/bar.txt",
  outputs: { artifacts: { bar: new OutputArtifact({ path: "/tmp/out/bar.txt" }) } },
});

const dag = new DAG({
  name: "count",
  inputs: { parameters: { start: new InputParameter<number>({ value: 0 }) } },
  outputs: { parameters: { end: new OutputParameter<number>() } },
});
const t1 = new Task({ name: "t1", template: plusOne, parameters: { iter: dag.inputs.parameters.start } });
const t2 = new Task({ name: "t2", template: plusOne, parameters: { iter: t1.outputs.parameters.iter } }); // after t1 (inferred)
const t3 = new Task({ name: "t3", template: plusOne, parameters: { iter: t1.outputs.parameters.iter } }); // after t1, beside t2
const t4 = new Task({
  name: "t4",
  template: plusOne,
  parameters: { iter: t2.outputs.parameters.iter },
  dependencies: [t3], // explicit: also wait for t3
});
const h0 = new Task({ name: "hello0", template: hello });
const h1 = new Task({ name: "hello1", template: duplicate, parameters: { msg: "hi", num: 2 }, artifacts: { foo: h0.outputs.artifacts.bar } }); // after hello0 (inferred from the artifact)
dag.add([t1, t2, t3, t4, h0, h1]);
dag.outputs.parameters.end.valueFromParameter = t4.outputs.parameters.iter;

const wf = new Workflow({ name: "dag", dag });
export default wf;
