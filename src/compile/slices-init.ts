import type { Template as ArgoTemplate } from "../argo/manifest.ts";
import { ANNOTATION, DEFAULT_NODE_IMAGE, inputArtifactPath, outputArtifactPath, outputParameterPath, SLICES_PATH_PARAMETER, STACK_KEY_PARAMETER } from "../argo/dflow-conventions.ts";
import { INDEX_FILE, STACK_DIR } from "../op/artifact-index.ts";

// dflow's InitArtifactForSlices, in plain Argo: one small pod before a sliced loop that
//  - names the key prefix (`{{workflow.name}}/{{pod.name}}`) under which the loop's children
//    save their sliced output artifacts unarchived, so that their parts merge into one artifact,
//    and declares that prefix as its own output artifact: later steps read the stacked whole
//    from it (Argo has no way to aggregate the artifacts of a loop);
//  - lists the elements of sliced input artifacts from their index alone (fetched through
//    subPath, the data stays where it is), giving the loop its items: in subPath mode each
//    child then fetches only its own element.

export interface SliceInitSpec {
  /** The sliced step, for messages. */
  step: string;
  /** Sliced output artifacts to stack. */
  stacked: string[];
  /** Sliced input artifacts to list (subPath mode, or a loop inferred from artifacts alone). */
  listed: string[];
  /** Sliced input parameters whose length must match the listed artifacts. */
  params: string[];
}

export const indexArtifactName = (artifact: string) => `dflow_index_${artifact}`;
export const stackArtifactName = (artifact: string) => `dflow_stack_${artifact}`;
/** Where the index of a list artifact and the parts of a stacked one live inside it. */
export const INDEX_SUBPATH = INDEX_FILE;
export const STACK_SUBPATH = STACK_DIR;

export function sliceInitTemplate(name: string, spec: SliceInitSpec): ArgoTemplate {
  const params = spec.params.map((p) => ({ name: p }));
  const artifacts = spec.listed.flatMap((a) => [
    { name: indexArtifactName(a), path: inputArtifactPath(indexArtifactName(a)), optional: true },
    { name: stackArtifactName(a), path: inputArtifactPath(stackArtifactName(a)), optional: true },
  ]);
  const outParams = [
    ...(spec.stacked.length ? [{ name: STACK_KEY_PARAMETER, valueFrom: { path: outputParameterPath(STACK_KEY_PARAMETER) } }] : []),
    ...(spec.listed.length ? [{ name: SLICES_PATH_PARAMETER, valueFrom: { path: outputParameterPath(SLICES_PATH_PARAMETER) } }] : []),
  ];
  const prefix = "{{workflow.name}}/{{pod.name}}";
  return {
    name,
    metadata: { annotations: { [ANNOTATION.opKind]: "script", "dflow-ts/slices-init-of": spec.step } },
    ...(params.length || artifacts.length ? { inputs: { ...(params.length ? { parameters: params } : {}), ...(artifacts.length ? { artifacts } : {}) } } : {}),
    outputs: {
      parameters: outParams,
      ...(spec.stacked.length
        ? { artifacts: spec.stacked.map((a) => ({ name: a, path: outputArtifactPath(a), archive: { none: {} }, s3: { key: `${prefix}/${a}` } })) }
        : {}),
    },
    script: {
      image: DEFAULT_NODE_IMAGE,
      command: ["node"],
      env: [
        { name: "DFLOW_INIT_SPEC", value: JSON.stringify(spec) },
        { name: "DFLOW_STACK_KEY", value: prefix },
        ...spec.params.map((p, i) => ({ name: `DFLOW_PARAM_${i}`, value: `{{inputs.parameters.${p}}}` })),
      ],
      source: INIT_SOURCE,
    },
  };
}

// Plain Node, nothing beyond node:fs, loaded with import() so that the script runs whether Node
// takes it for CommonJS (a pod's extension-less file) or ESM (under a "type": "module" package).
// Paths are under /tmp, as every function OP's (the local engine maps them into the step's directory).
const INIT_SOURCE = `import("node:fs").then(({ default: fs }) => {
const spec = JSON.parse(process.env.DFLOW_INIT_SPEC);
const put = (name, text) => {
  fs.mkdirSync("/tmp/outputs/parameters", { recursive: true });
  fs.writeFileSync("/tmp/outputs/parameters/" + name, text);
};
const flat = (t) => (typeof t === "string" ? [t] : Array.isArray(t) ? t : Object.values(t).flatMap(flat));
const fail = (msg) => {
  process.stderr.write("sliced step \\"" + spec.step + "\\": " + msg + "\\n");
  process.exit(1);
};
const itemsOf = (a) => {
  const index = "/tmp/inputs/artifacts/${indexArtifactName("")}" + a;
  const stack = "/tmp/inputs/artifacts/${stackArtifactName("")}" + a;
  if (fs.existsSync(index) && fs.statSync(index).isFile()) return flat(JSON.parse(fs.readFileSync(index, "utf8")).items);
  if (fs.existsSync(stack) && fs.statSync(stack).isDirectory()) {
    const parts = fs.readdirSync(stack).filter((f) => /^\\d+\\.json$/.test(f)).sort((x, y) => parseInt(x, 10) - parseInt(y, 10));
    return parts.flatMap((f) => flat(JSON.parse(fs.readFileSync(stack + "/" + f, "utf8")).items));
  }
  fail("input artifact \\"" + a + "\\" is not a list: slicing it needs an artifact written as a list (Artifact.paths() of a function OP, uploadArtifact of a list, or the stacked output of sliced steps), stored unarchived (archive: null) in subPath mode");
};
for (const [i, a] of spec.stacked.entries()) {
  if (i === 0) put("${STACK_KEY_PARAMETER}", process.env.DFLOW_STACK_KEY);
  // Marks the artifact as a stack even before (or if none of) the slices add their parts.
  fs.mkdirSync("/tmp/outputs/artifacts/" + a + "/${STACK_DIR}", { recursive: true });
  fs.writeFileSync("/tmp/outputs/artifacts/" + a + "/${STACK_DIR}/stack", "");
}
if (spec.listed.length) {
  const lists = spec.listed.map((a) => [a, itemsOf(a)]);
  const lengths = [
    ...lists.map(([a, l]) => "input artifact \\"" + a + "\\" has " + l.length),
    ...spec.params.map((p, i) => {
      let v;
      try { v = JSON.parse(process.env["DFLOW_PARAM_" + i]); } catch { v = undefined; }
      if (!Array.isArray(v)) fail("input parameter \\"" + p + "\\" is sliced, so it must be a JSON list");
      return "input parameter \\"" + p + "\\" has " + v.length;
    }),
  ];
  const n = lists[0][1].length;
  if (lengths.some((l) => !l.endsWith(" has " + n))) fail("sliced inputs must have the same length: " + lengths.join(", "));
  const items = [];
  for (let i = 0; i < n; i++) items.push(Object.fromEntries([["order", i], ...lists.map(([a, l]) => [a, l[i]])]));
  put("${SLICES_PATH_PARAMETER}", JSON.stringify(items));
}
});
`;
