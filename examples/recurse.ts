// A dynamic loop by recursion: a Steps template that calls itself until `when` says stop
// (dflow's test_recurse).
import { InputParameter, Step, Steps, Workflow } from "dflow-ts";
import { plusOne } from "./ops/math.ts";

const loop = new Steps({
  name: "iter",
  inputs: { parameters: { iter: new InputParameter<number>(), limit: new InputParameter<number>() } },
});
const add = new Step({
  name: "add",
  template: plusOne,
  parameters: { iter: loop.inputs.parameters.iter },
  key: "iter-{{inputs.parameters.iter}}",
});
loop.add(add);
const next = new Step({
  name: "next",
  template: loop,
  parameters: { iter: add.outputs.parameters.iter, limit: loop.inputs.parameters.limit },
  when: `${add.outputs.parameters.iter} < {{inputs.parameters.limit}}`,
});
loop.add(next);

const wf = new Workflow({ name: "recurse" });
wf.add(new Step({ name: "start", template: loop, parameters: { iter: 0, limit: 5 } }));
export default wf;
