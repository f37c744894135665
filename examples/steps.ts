// Script OP templates (shell and Python) wired into Steps: sequential and parallel groups, a nested
// Steps template with its own inputs and outputs (dflow's test_steps).
import {
  InputArtifact,
  InputParameter,
  OutputArtifact,
  OutputParameter,
  PythonScriptOPTemplate,
  ShellOPTemplate,
  Step,
  Steps,
  Workflow,
} from "dflow-ts";

export const hello = new ShellOPTemplate({
  name: "hello",
  image: "alpine:3.20",
  script: [
    "mkdir -p /tmp/outputs",
    "echo {{inputs.parameters.msg}} > /tmp/outputs/msg",
    "cp /tmp/inputs/artifacts/foo /tmp/outputs/bar",
  ].join("\n"),
  inputs: {
    parameters: { msg: new InputParameter<string>() },
    artifacts: { foo: new InputArtifact({ path: "/tmp/inputs/artifacts/foo" }) },
  },
  outputs: {
    parameters: { msg: new OutputParameter<string>({ valueFromPath: "/tmp/outputs/msg" }) },
    artifacts: { bar: new OutputArtifact({ path: "/tmp/outputs/bar" }) },
  },
});

export const writeFoo = new PythonScriptOPTemplate({
  name: "write-foo",
  image: "python:3.12-slim",
  script: [
    "import os",
    "os.makedirs('/tmp/outputs', exist_ok=True)",
    "with open('/tmp/outputs/foo', 'w') as f:",
    "    f.write('{{inputs.parameters.text}}\\n')",
  ].join("\n"),
  inputs: { parameters: { text: new InputParameter({ value: "foo from python" }) } },
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/outputs/foo" }) } },
});

// A Steps template used like an OP: its own inputs and outputs, wired from inner steps.
const inner = new Steps({
  name: "say-twice",
  inputs: { parameters: { msg: new InputParameter<string>() }, artifacts: { foo: new InputArtifact() } },
  outputs: { parameters: { msg: new OutputParameter<string>() }, artifacts: { bar: new OutputArtifact() } },
});
const first = new Step({
  name: "first",
  template: hello,
  parameters: { msg: inner.inputs.parameters.msg },
  artifacts: { foo: inner.inputs.artifacts.foo },
});
const second = new Step({
  name: "second",
  template: hello,
  parameters: { msg: first.outputs.parameters.msg },
  artifacts: { foo: first.outputs.artifacts.bar },
});
inner.add(first);
inner.add(second);
inner.outputs.parameters.msg.valueFromParameter = second.outputs.parameters.msg;
inner.outputs.artifacts.bar._from = second.outputs.artifacts.bar;
export { inner as sayTwice };

const foo = new Step({ name: "write-foo", template: writeFoo });
const a = new Step({ name: "hello-a", template: hello, parameters: { msg: "a" }, artifacts: { foo: foo.outputs.artifacts.foo } });
const b = new Step({ name: "hello-b", template: hello, parameters: { msg: "b" }, artifacts: { foo: foo.outputs.artifacts.foo } });
const nested = new Step({
  name: "nested",
  template: inner,
  parameters: { msg: a.outputs.parameters.msg },
  artifacts: { foo: b.outputs.artifacts.bar },
});

const wf = new Workflow({ name: "steps" });
wf.add(foo);
wf.add([a, b]); // a and b run in parallel
wf.add(nested);

export default wf;
