// A class OP (dflow's `class SimpleExample(OP)`), used through FunctionOPTemplate like dflow's
// PythonOPTemplate, with an input artifact made by a shell step.
import { FunctionOPTemplate, OutputArtifact, ShellOPTemplate, Step, Workflow } from "dflow-ts";
import { SimpleExample } from "./ops/simple-example.ts";

const makeFoo = new ShellOPTemplate({
  name: "make-foo",
  script: "echo foo > /tmp/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/foo.txt" }) } },
});
const simple = new FunctionOPTemplate(SimpleExample, { image: "node:20-slim" });

const s0 = new Step({ name: "make-foo", template: makeFoo });
const s1 = new Step({ name: "step0", template: simple, parameters: { msg: "HelloWorld!" }, artifacts: { foo: s0.outputs.artifacts.foo } });
const wf = new Workflow({ name: "class-op" });
wf.add(s0);
wf.add(s1);
export default wf;
