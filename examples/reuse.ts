// Keys locate steps (queryStep({ key })) and drive reuse when a workflow is submitted again
// (dflow's test_reuse). Keys may hold references, e.g. the loop counter of a recursion.
import { InputParameter, Step, Steps, Workflow } from "dflow-ts";
import { plusOne } from "./ops/math.ts";

const loop = new Steps({
  name: "iter",
  inputs: { parameters: { iter: new InputParameter<number>() } },
});
const add = new Step({
  name: "add",
  template: plusOne,
  parameters: { iter: loop.inputs.parameters.iter },
  key: "iter-{{inputs.parameters.iter}}",
});
loop.add(add);
loop.add(
  new Step({
    name: "next",
    template: loop,
    parameters: { iter: add.outputs.parameters.iter },
    when: `${add.outputs.parameters.iter} < 5`,
  }),
);

const wf = new Workflow({ name: "reuse" });
wf.add(new Step({ name: "first", template: plusOne, parameters: { iter: 0 }, key: "first" }));
wf.add(new Step({ name: "loop", template: loop, parameters: { iter: 0 } }));
export default wf;
