// Slices in subPath mode (dflow's test_subpath_slices): each parallel step fetches only its own
// element of the sliced input artifact instead of the whole list, and the loop is implied (one
// child per element). The sliced artifact must be stored unarchived (Artifact.paths({ archive: null })).
// Every slice writes "bar.txt"; createDir gives each slice its own directory in the stacked output.
import { FunctionOPTemplate, Slices, Step, Workflow } from "dflow-ts";
import { gather, hello, prepare } from "./ops/stack.ts";

const prep = new Step({ name: "prepare", template: prepare, parameters: { count: 5 } });

const helloSliced = new FunctionOPTemplate(hello, {
  slices: new Slices({ subPath: true, inputParameter: ["msg"], inputArtifact: ["foo"], outputArtifact: ["bar"], createDir: true }),
});
const helloAll = new Step({
  name: "hello",
  template: helloSliced,
  parameters: { msg: prep.outputs.parameters.msg },
  artifacts: { foo: prep.outputs.artifacts.foo },
});
const check = new Step({ name: "check", template: gather, artifacts: { reports: helloAll.outputs.artifacts.bar } });

const wf = new Workflow({ name: "subpath-slices" });
wf.add(prep);
wf.add(helloAll);
wf.add(check);
export default wf;
