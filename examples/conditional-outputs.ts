// Conditional steps (`when`) and conditional outputs of a Steps template (`ifExpression`)
// (dflow's test_conditional_outputs).
import { ifExpression, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, Steps, Workflow } from "dflow-ts";

const random = new ShellOPTemplate({
  name: "random",
  script: "mkdir -p /tmp/out && echo $(( $(od -An -N2 -tu2 /dev/urandom) % 10 )) > /tmp/out/n && echo tails > /tmp/out/coin",
  outputs: {
    parameters: { n: new OutputParameter<string>({ valueFromPath: "/tmp/out/n" }) },
    artifacts: { coin: new OutputArtifact({ path: "/tmp/out/coin" }) },
  },
});
const echo = new ShellOPTemplate({
  name: "echo",
  script: "mkdir -p /tmp/out && echo {{inputs.parameters.text}} | tee /tmp/out/text",
  inputs: { parameters: { text: new InputParameter<string>() } },
  outputs: {
    parameters: { text: new OutputParameter<string>({ valueFromPath: "/tmp/out/text" }) },
    artifacts: { text: new OutputArtifact({ path: "/tmp/out/text" }) },
  },
});

const pick = new Steps({
  name: "pick",
  inputs: { parameters: { threshold: new InputParameter<number>({ value: 5 }) } },
  outputs: { parameters: { verdict: new OutputParameter<string>() }, artifacts: { file: new OutputArtifact() } },
});
const roll = new Step({ name: "roll", template: random });
const big = new Step({
  name: "big",
  template: echo,
  parameters: { text: "big" },
  when: `${roll.outputs.parameters.n} >= {{inputs.parameters.threshold}}`,
});
const small = new Step({
  name: "small",
  template: echo,
  parameters: { text: "small" },
  when: `${roll.outputs.parameters.n} < {{inputs.parameters.threshold}}`,
});
pick.add(roll);
pick.add([big, small]);
const cond = `asInt(${roll.outputs.parameters.n}) >= asInt({{inputs.parameters.threshold}})`;
pick.outputs.parameters.verdict.valueFromExpression = ifExpression({
  _if: cond,
  _then: big.outputs.parameters.text,
  _else: small.outputs.parameters.text,
});
pick.outputs.artifacts.file.fromExpression = ifExpression({
  _if: cond,
  _then: big.outputs.artifacts.text,
  _else: small.outputs.artifacts.text,
});

const wf = new Workflow({ name: "conditional-outputs" });
wf.add(new Step({ name: "pick", template: pick }));
export default wf;
