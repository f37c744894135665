// dflow §3.1.15: steps as Slurm jobs over SSH. A shell step and a typed function OP run on the
// cluster; the first step runs locally and feeds the cluster step an artifact.
import { FunctionOPTemplate, OutputArtifact, ShellOPTemplate, Step, Workflow } from "dflow-ts";
import { DispatcherExecutor } from "../../src/executors/index.ts";
import { duplicate } from "../ops/duplicate.ts";
import { connection, whereAmI } from "./common.ts";

const slurm = new DispatcherExecutor({
  ...connection,
  scheduler: "slurm",
  queueName: "debug",
  resources: { nodes: 1, cpusPerNode: 1, memory: "500M", time: "0:10:00", envs: { OMP_NUM_THREADS: "1" } },
});

const makeFoo = new ShellOPTemplate({
  name: "make-foo",
  script: "echo 'made locally' > /tmp/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/foo.txt" }) } },
});

const local = new Step({ name: "local", template: makeFoo });
const where = new Step({ name: "where", template: whereAmI, parameters: { greeting: "hi" }, executor: slurm });
const dup = new Step({
  name: "duplicate",
  template: new FunctionOPTemplate(duplicate, { retryOnTransientError: 2 }),
  parameters: { msg: "ab", num: 3 },
  artifacts: { foo: local.outputs.artifacts.foo },
  executor: slurm,
});

const wf = new Workflow({ name: "executor-slurm" });
wf.add(local);
wf.add([where, dup]);
export default wf;
