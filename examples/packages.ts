// Shipping local code into script steps (dflow's python_packages / upload_packages): the package
// travels in the manifest and is on PYTHONPATH in the step. Function OPs need nothing of the kind:
// the local modules they import are bundled with them.
import { InputParameter, OutputParameter, PythonScriptOPTemplate, Step, Workflow } from "dflow-ts";

const greet = new PythonScriptOPTemplate({
  name: "greet",
  script: [
    "import os",
    "from greetings import greet",
    "os.makedirs('/tmp/out', exist_ok=True)",
    "open('/tmp/out/msg', 'w').write(greet('{{inputs.parameters.who}}'))",
  ].join("\n"),
  packages: ["examples/pylib/greetings"],
  inputs: { parameters: { who: new InputParameter<string>() } },
  outputs: { parameters: { msg: new OutputParameter<string>({ valueFromPath: "/tmp/out/msg" }) } },
});

const wf = new Workflow({ name: "packages" });
wf.add(new Step({ name: "greet", template: greet, parameters: { who: "dflow-ts" } }));
export default wf;
