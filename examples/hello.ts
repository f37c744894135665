// The quick start: two typed function OPs in a row, passing a parameter and an artifact.
import { ShellOPTemplate, OutputArtifact, Step, Workflow } from "dflow-ts";
import { duplicate } from "./ops/duplicate.ts";

// A shell step makes the input file, so the example needs nothing but itself.
const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo 'hello from a shell step' > /tmp/out/foo.txt",
  outputs: { artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) } },
});

const s0 = new Step({ name: "make-file", template: makeFile });
const s1 = new Step({
  name: "s1",
  template: duplicate,
  parameters: { msg: "hi", num: 2 },
  artifacts: { foo: s0.outputs.artifacts.foo },
});
const s2 = new Step({
  name: "s2",
  template: duplicate,
  parameters: { msg: s1.outputs.parameters.msg, num: 3 },
  artifacts: { foo: s1.outputs.artifacts.bar },
});

const wf = new Workflow({ name: "hello" });
wf.add(s0);
wf.add(s1);
wf.add(s2);

export default wf;
