// Loops that need only some of their children to succeed (dflow's test_success_ratio):
// continueOnSuccessRatio and continueOnNumSuccess. A check step after the loop counts the
// children that succeeded and fails the workflow when too few did; otherwise the steps after the
// loop run, and the outputs of failed children are "" in the loop's aggregated outputs.
import { argoRange, argoSequence, InputParameter, OutputParameter, type ParameterRef, ShellOPTemplate, Step, Workflow } from "dflow-ts";
import { attempt, gather } from "./ops/attempt.ts";

// A shell OP whose child 2 fails.
const tryShell = new ShellOPTemplate({
  name: "try-shell",
  script: [
    'if [ "{{inputs.parameters.i}}" = 2 ]; then echo "item 2 fails on purpose" >&2; exit 1; fi',
    "mkdir -p /tmp/out && echo {{inputs.parameters.i}} > /tmp/out/i",
  ].join("\n"),
  inputs: { parameters: { i: new InputParameter<number>() } },
  outputs: { parameters: { i: new OutputParameter<number>({ valueFromPath: "/tmp/out/i" }) } },
});

/** The workflow with its thresholds: the defaults are just met, higher ones are not. */
export function successRatio({ ratio = 0.6, numSuccess = 3 }: { ratio?: number; numSuccess?: number } = {}): Workflow {
  // A function OP over 0..4 whose children 1 and 3 throw: 3 of 5 (0.6) succeed.
  const byRatio = new Step({
    name: "by-ratio",
    template: attempt,
    parameters: { i: "{{item}}", failOn: [1, 3] },
    withParam: argoRange(5),
    continueOnSuccessRatio: ratio,
  });
  // The shell OP over 0..3: 3 of 4 succeed.
  const byCount = new Step({
    name: "by-count",
    template: tryShell,
    parameters: { i: "{{item}}" },
    withSequence: argoSequence({ count: 4 }),
    continueOnNumSuccess: numSuccess,
  });
  const wf = new Workflow({ name: "success-ratio" });
  wf.add([byRatio, byCount]);
  // Runs once both checks passed. A failed child's `square` is "" in the aggregated list, which
  // the loop's output type (number[]) does not say: hence the cast.
  const squares = byRatio.outputs.parameters.square as ParameterRef<(number | "")[]>;
  wf.add(new Step({ name: "gather", template: gather, parameters: { squares } }));
  return wf;
}

export default successRatio();
