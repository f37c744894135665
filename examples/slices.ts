// Slices: each parallel step takes one element of the list inputs; outputs stack back in order
// (dflow's test_slices): output parameters as Argo's aggregated list, output artifacts merged into
// one artifact that the next step reads as a list of paths.
import { argoLen, argoRange, FunctionOPTemplate, Slices, Step, Workflow } from "dflow-ts";
import { makeFiles, measure } from "./ops/files.ts";
import { gather } from "./ops/stack.ts";

const files = new Step({ name: "make-files", template: makeFiles, parameters: { count: 4 } });

const measureSliced = new FunctionOPTemplate(measure, {
  slices: new Slices({ inputParameter: ["name"], inputArtifact: ["file"], outputParameter: ["size"], outputArtifact: ["report"] }),
});
const measureAll = new Step({
  name: "measure",
  template: measureSliced,
  parameters: { name: files.outputs.parameters.names },
  artifacts: { file: files.outputs.artifacts.files },
  withParam: argoRange(argoLen(files.outputs.parameters.names)), // one child per file
});
// `report` of all children, stacked: a list of 4 paths, in slice order.
const all = new Step({ name: "gather", template: gather, artifacts: { reports: measureAll.outputs.artifacts.report } });

const wf = new Workflow({ name: "slices" });
wf.add(files);
wf.add(measureAll);
wf.add(all);
export default wf;
