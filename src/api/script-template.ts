import type { Template as ArgoTemplate, EnvVar, ResourceRequirements } from "../argo/manifest.ts";
import { ANNOTATION, DEFAULT_PYTHON_IMAGE, DEFAULT_SHELL_IMAGE, inputArtifactPath } from "../argo/dflow-conventions.ts";
import { ValidationError } from "./errors.ts";
import {
  bindingRecord,
  InputArtifact,
  InputParameter,
  type InputArtifacts,
  type InputParameters,
  OutputArtifact,
  OutputParameter,
  type OutputArtifacts,
  type OutputParameters,
} from "./io.ts";
import { config } from "./config.ts";
import { checkName } from "./names.ts";
import { PACKAGES_DIR, packageArtifacts } from "./packages.ts";
import { type InputDescription, OPTemplate, type OutputDescription } from "./template.ts";

type ValueOf<X, Fallback = any> = X extends { __type?: infer T } ? (unknown extends T ? Fallback : T) : Fallback;

export interface ScriptIO<IP, IA, OP, OA> {
  inParams: { [K in keyof IP]: ValueOf<IP[K]> };
  required: never;
  inArts: { [K in keyof IA]: ValueOf<IA[K]> };
  outParams: { [K in keyof OP]: ValueOf<OP[K]> };
  outArts: { [K in keyof OA]: ValueOf<OA[K]> };
}

export interface TemplateIOOptions<IP, IA, OP, OA> {
  inputs?: { parameters?: IP; artifacts?: IA };
  outputs?: { parameters?: OP; artifacts?: OA };
}

export interface ContainerOptions {
  image?: string;
  /** Extra environment variables; values may hold `{{…}}`. */
  envs?: Record<string, string>;
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  /** Retry a failed run (Argo retryStrategy.limit). */
  retries?: number;
  /** Seconds before the run is killed (Argo activeDeadlineSeconds). */
  timeout?: number;
}

export interface ScriptOPTemplateOptions<IP, IA, OP, OA> extends TemplateIOOptions<IP, IA, OP, OA>, ContainerOptions {
  /**
   * Local files or directories shipped into the step under /tmp/dflow/packages/<name> (on
   * PYTHONPATH for Python scripts), besides config.uploadPackages: dflow's python_packages.
   */
  packages?: string[];
  name: string;
  /** The script's text: `{{inputs.parameters.x}}` is substituted before it runs, as in Argo. */
  script: string;
  /** Interpreter; the script's file path is appended (Argo's script template). */
  command?: string[];
  args?: string[];
}

/** The IO records of a template: declared at construction or added later (dflow style). */
export class TemplateIO<IP, IA, OP, OA> {
  readonly inputs: { parameters: IP & InputParameters; artifacts: IA & InputArtifacts };
  readonly outputs: { parameters: OP & OutputParameters; artifacts: OA & OutputArtifacts };
  constructor(opts: TemplateIOOptions<IP, IA, OP, OA>, where: string) {
    this.inputs = {
      parameters: bindingRecord({ ...(opts.inputs?.parameters ?? {}) } as IP & InputParameters),
      artifacts: bindingRecord({ ...(opts.inputs?.artifacts ?? {}) } as IA & InputArtifacts),
    };
    this.outputs = {
      parameters: { ...(opts.outputs?.parameters ?? {}) } as OP & OutputParameters,
      artifacts: { ...(opts.outputs?.artifacts ?? {}) } as OA & OutputArtifacts,
    };
    this.check(where);
  }

  /** Names and kinds are checked when the template is built and again at compile time (records are mutable). */
  check(where: string): void {
    const kinds: [Record<string, unknown>, new (...a: any[]) => unknown, string, "parameter" | "artifact"][] = [
      [this.inputs.parameters, InputParameter, "input parameter", "parameter"],
      [this.inputs.artifacts, InputArtifact, "input artifact", "artifact"],
      [this.outputs.parameters, OutputParameter, "output parameter", "parameter"],
      [this.outputs.artifacts, OutputArtifact, "output artifact", "artifact"],
    ];
    for (const [rec, cls, what, nameKind] of kinds) {
      for (const [name, v] of Object.entries(rec)) {
        checkName(nameKind, name, where);
        if (!(v instanceof cls)) {
          throw new ValidationError(`${where}: ${what} "${name}" must be a ${cls.name}`, `${where}.${name}`, "io-kind");
        }
      }
    }
  }

  describeInputs(): InputDescription {
    return {
      parameters: Object.entries(this.inputs.parameters as InputParameters).map(([name, p]) => ({
        name,
        required: !p.hasDefault,
        ...(p.type ? { schema: p.type } : {}),
      })),
      artifacts: Object.entries(this.inputs.artifacts as InputArtifacts).map(([name, a]) => ({
        name,
        optional: !!a.optional,
        ...(a.shape ? { shape: a.shape } : {}),
      })),
    };
  }

  describeOutputs(): OutputDescription {
    return { parameters: Object.keys(this.outputs.parameters), artifacts: Object.keys(this.outputs.artifacts) };
  }

  /** Argo inputs/outputs; script templates get dflow's default artifact paths. */
  build(where: string, withDefaultPaths: boolean): Pick<ArgoTemplate, "inputs" | "outputs"> {
    this.check(where);
    const ip = Object.entries(this.inputs.parameters as InputParameters).map(([n, p]) => p.build(n));
    const ia = Object.entries(this.inputs.artifacts as InputArtifacts).map(([n, a]) =>
      a.build(n, withDefaultPaths ? inputArtifactPath(n) : undefined),
    );
    const op = Object.entries(this.outputs.parameters as OutputParameters).map(([n, p]) => {
      if (withDefaultPaths && p.valueFromPath === undefined && p.value === undefined && p.valueFromExpression === undefined) {
        throw new ValidationError(
          `${where}: output parameter "${n}" needs valueFromPath (the file the script writes) or a value`,
          `${where}.outputs.parameters.${n}`,
          "output-source",
        );
      }
      return p.build(n);
    });
    const oa = Object.entries(this.outputs.artifacts as OutputArtifacts).map(([n, a]) => {
      if (withDefaultPaths && !a.path) {
        throw new ValidationError(`${where}: output artifact "${n}" needs a path`, `${where}.outputs.artifacts.${n}`, "output-source");
      }
      return a.build(n);
    });
    const out: Pick<ArgoTemplate, "inputs" | "outputs"> = {};
    if (ip.length || ia.length) out.inputs = { ...(ip.length ? { parameters: ip } : {}), ...(ia.length ? { artifacts: ia } : {}) };
    if (op.length || oa.length) out.outputs = { ...(op.length ? { parameters: op } : {}), ...(oa.length ? { artifacts: oa } : {}) };
    return out;
  }
}

export function buildEnv(envs: Record<string, string> | undefined): EnvVar[] | undefined {
  if (!envs || Object.keys(envs).length === 0) return undefined;
  return Object.entries(envs).map(([name, value]) => ({ name, value }));
}

export function buildResources(o: ContainerOptions): ResourceRequirements | undefined {
  if (!o.requests && !o.limits) return undefined;
  return { ...(o.requests ? { requests: o.requests } : {}), ...(o.limits ? { limits: o.limits } : {}) };
}

/** Template-level fields shared by every pod template (metadata, retries, deadline). */
export function buildPodFields(o: ContainerOptions, kind: string, opName: string): Partial<ArgoTemplate> {
  const t: Partial<ArgoTemplate> = {
    metadata: { annotations: { [ANNOTATION.opKind]: kind, [ANNOTATION.opName]: opName, ...(o.annotations ?? {}) } },
  };
  if (o.labels) t.metadata!.labels = o.labels;
  if (o.nodeSelector) t.nodeSelector = o.nodeSelector;
  if (o.retries !== undefined) t.retryStrategy = { limit: o.retries };
  if (o.timeout !== undefined) t.activeDeadlineSeconds = o.timeout;
  return t;
}

/** A template whose inputs and outputs are declared (not derived from a signature). */
export abstract class DeclaredIOTemplate<IP, IA, OP, OA> extends OPTemplate<ScriptIO<IP, IA, OP, OA>> {
  protected readonly io: TemplateIO<IP, IA, OP, OA>;
  constructor(opts: TemplateIOOptions<IP, IA, OP, OA> & { name: string }) {
    super();
    this.io = new TemplateIO(opts, `template "${opts.name}"`);
  }
  get inputs() {
    return this.io.inputs;
  }
  get outputs() {
    return this.io.outputs;
  }
  describeInputs(): InputDescription {
    return this.io.describeInputs();
  }
  describeOutputs(): OutputDescription {
    return this.io.describeOutputs();
  }
}

/** A script run by an interpreter in a container (Argo's script template). */
export class ScriptOPTemplate<IP = {}, IA = {}, OP = {}, OA = {}> extends DeclaredIOTemplate<IP, IA, OP, OA> {
  readonly templateKind: "script" = "script";
  name: string;
  script: string;
  image: string;
  command: string[];
  args?: string[];
  packages?: string[];
  options: ContainerOptions;
  protected kindLabel = "script";

  constructor(opts: ScriptOPTemplateOptions<IP, IA, OP, OA>, defaults: { image: string; command: string[] } = { image: DEFAULT_SHELL_IMAGE, command: ["sh"] }) {
    super(opts);
    this.name = checkName("template", opts.name);
    if (typeof opts.script !== "string") {
      throw new ValidationError(`template "${opts.name}": script must be a string`, opts.name, "script");
    }
    this.script = opts.script;
    this.image = opts.image ?? defaults.image;
    this.command = opts.command ?? defaults.command;
    if (opts.args) this.args = opts.args;
    if (opts.packages) this.packages = opts.packages;
    this.options = opts;
  }


  build(): ArgoTemplate {
    const packages = packageArtifacts([...config.uploadPackages, ...(this.packages ?? [])], `template "${this.name}"`);
    const env = buildEnv({
      ...(packages.length && this.kindLabel === "python" ? { PYTHONPATH: PACKAGES_DIR } : {}),
      ...(packages.length ? { DFLOW_PACKAGES: PACKAGES_DIR } : {}),
      ...(this.options.envs ?? {}),
    });
    const resources = buildResources(this.options);
    const io = this.io.build(`template "${this.name}"`, true);
    if (packages.length) (io.inputs ??= {}).artifacts = [...(io.inputs.artifacts ?? []), ...packages];
    return {
      name: this.name,
      ...buildPodFields(this.options, this.kindLabel, this.name),
      ...io,
      script: {
        image: this.image,
        command: this.command,
        ...(this.args ? { args: this.args } : {}),
        source: this.script,
        ...(env ? { env } : {}),
        ...(resources ? { resources } : {}),
        ...(this.options.imagePullPolicy ? { imagePullPolicy: this.options.imagePullPolicy } : {}),
      },
    };
  }
}

/** A shell script (dflow's ShellOPTemplate): runs with `sh` unless `command` says otherwise. */
export class ShellOPTemplate<IP = {}, IA = {}, OP = {}, OA = {}> extends ScriptOPTemplate<IP, IA, OP, OA> {
  protected override kindLabel = "shell";
  constructor(opts: ScriptOPTemplateOptions<IP, IA, OP, OA>) {
    super(opts, { image: DEFAULT_SHELL_IMAGE, command: ["sh"] });
  }
}

/** A Python script (dflow's PythonScriptOPTemplate): runs with `python3`. */
export class PythonScriptOPTemplate<IP = {}, IA = {}, OP = {}, OA = {}> extends ScriptOPTemplate<IP, IA, OP, OA> {
  protected override kindLabel = "python";
  constructor(opts: ScriptOPTemplateOptions<IP, IA, OP, OA>) {
    super(opts, { image: DEFAULT_PYTHON_IMAGE, command: ["python3"] });
  }
}

export interface ContainerOPTemplateOptions<IP, IA, OP, OA> extends TemplateIOOptions<IP, IA, OP, OA>, ContainerOptions {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

/** A plain container (Argo's container template): command and args, no script. */
export class ContainerOPTemplate<IP = {}, IA = {}, OP = {}, OA = {}> extends DeclaredIOTemplate<IP, IA, OP, OA> {
  readonly templateKind: "container" = "container";
  name: string;
  constructor(readonly options: ContainerOPTemplateOptions<IP, IA, OP, OA>) {
    super(options);
    this.name = checkName("template", options.name);
  }
  build(): ArgoTemplate {
    const o = this.options;
    const env = buildEnv(o.envs);
    const resources = buildResources(o);
    return {
      name: this.name,
      ...buildPodFields(o, "container", this.name),
      ...this.io.build(`template "${this.name}"`, true),
      container: {
        image: o.image,
        ...(o.command ? { command: o.command } : {}),
        ...(o.args ? { args: o.args } : {}),
        ...(env ? { env } : {}),
        ...(resources ? { resources } : {}),
        ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
      },
    };
  }
}
