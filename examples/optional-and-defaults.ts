// Optional input artifacts (a step may leave them out) and default values of output parameters
// (used when the file is missing, the expression fails or the step is skipped).
import { OutputParameter, ShellOPTemplate, Step, Steps, Workflow } from "dflow-ts";
import { maybeRead } from "./ops/files.ts";

const maybeWrite = new ShellOPTemplate({
  name: "maybe-write",
  script: "true # writes nothing",
  outputs: { parameters: { msg: new OutputParameter<string>({ valueFromPath: "/tmp/msg", default: "no message" }) } },
});

const inner = new Steps({ name: "skipped-inside", outputs: { parameters: { msg: new OutputParameter<string>({ default: "was skipped" }) } } });
const never = new Step({ name: "never", template: maybeWrite, when: "1 > 2" });
inner.add(never);
inner.outputs.parameters.msg.valueFromParameter = never.outputs.parameters.msg;

const wf = new Workflow({ name: "optional-and-defaults" });
wf.add([
  new Step({ name: "without-extra", template: maybeRead }),
  new Step({ name: "default-output", template: maybeWrite }),
  new Step({ name: "skipped", template: inner }),
]);
export default wf;
