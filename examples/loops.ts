// Parallel steps from loops: withParam over a literal list and over another step's output,
// withSequence with argoSequence/argoLen, and argoRange. Outputs of a loop come back as a list.
import { argoLen, argoRange, argoSequence, InputParameter, Step, Steps, Workflow } from "dflow-ts";
import { makeFiles } from "./ops/files.ts";
import { square, sum } from "./ops/math.ts";

const squares = new Step({
  name: "squares",
  template: square,
  parameters: { x: "{{item}}" },
  withParam: [1, 2, 3, 4],
});
// The looped step's output `y` is the JSON list of every child's `y`, in order.
const total = new Step({ name: "total", template: sum, parameters: { values: squares.outputs.parameters.y } });

const files = new Step({ name: "files", template: makeFiles, parameters: { count: 3 } });
const perName = new Step({
  name: "per-name",
  template: square,
  parameters: { x: "{{item}}" },
  withSequence: argoSequence({ start: 1, count: argoLen(files.outputs.parameters.names), format: "%d" }),
});
const ranged = new Step({
  name: "ranged",
  template: square,
  parameters: { x: "{{item}}" },
  withParam: argoRange(3),
});

// A loop over an input of the enclosing Steps.
const overInput = new Steps({ name: "over-input", inputs: { parameters: { xs: new InputParameter<number[]>() } } });
overInput.add(new Step({ name: "each", template: square, parameters: { x: "{{item}}" }, withParam: overInput.inputs.parameters.xs }));

const wf = new Workflow({ name: "loops" });
wf.add([squares, files]);
wf.add([total, perName, ranged]);
wf.add(new Step({ name: "over-input", template: overInput, parameters: { xs: [5, 6] } }));
export default wf;
