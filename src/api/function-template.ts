import path from "node:path";
import type { Template as ArgoTemplate, EnvVar } from "../argo/manifest.ts";
import { ANNOTATION, DEFAULT_NODE_IMAGE, ENV, EXIT, inputArtifactPath, outputArtifactPath, outputParameterPath, STACK_KEY_PARAMETER } from "../argo/dflow-conventions.ts";
import { ArtifactSpec } from "../op/artifact.ts";
import { bundleOp } from "../op/bundle.ts";
import { isOPClass, type OPClass } from "../op/class-op.ts";
import type { OpContext } from "../op/context.ts";
import { noteOp } from "../op/registry.ts";
import { callerModule, checkSigns, type OpDefinition } from "../op/definition.ts";
import { encodeParam } from "../op/codec.ts";
import type { ArtValueTypes, ParamInputTypes, ParamOutputTypes, RunInput, RunOutput, Sign } from "../op/signature.ts";
import { splitSign } from "../op/signature.ts";
import { BUNDLE_ARTIFACT } from "../argo/dflow-conventions.ts";
import type { StandardSchemaV1 } from "../op/standard-schema.ts";
import { config } from "./config.ts";
import { DflowError, ValidationError } from "./errors.ts";
import { archiveOf } from "./io.ts";
import { checkName, toTemplateName } from "./names.ts";
import { buildEnv, buildResources, type ContainerOptions } from "./script-template.ts";
import { type NoSlices, type SliceKeys, SLICE_PARAMETER, Slices } from "./slices.ts";
import { type BuildContext, type InputDescription, OPTemplate, type OutputDescription } from "./template.ts";

type RequiredParams<I extends Sign> = {
  [K in keyof I]: I[K] extends StandardSchemaV1 ? (undefined extends StandardSchemaV1.InferInput<I[K]> ? never : K) : never;
}[keyof I] & string;

type ListIf<T, Keys> = { [K in keyof T]: K extends Keys ? T[K][] : T[K] };

export interface FunctionIO<I extends Sign, O extends Sign, S extends SliceKeys = NoSlices> {
  inParams: ListIf<ParamInputTypes<I>, S["ip"]>;
  required: RequiredParams<I>;
  inArts: ListIf<ArtValueTypes<I>, S["ia"]>;
  outParams: ParamOutputTypes<O>;
  outArts: ListIf<ArtValueTypes<O>, S["oa"]>;
}

type KeysOf<X> = X extends { __keys?: infer K } ? (K extends SliceKeys ? K : NoSlices) : NoSlices;

export interface FunctionOPOptions<SL extends Slices<any, any, any, any> | undefined = Slices<any, any, any, any> | undefined> extends ContainerOptions {
  /** Template name in the manifest (default: the OP's name). */
  name?: string;
  slices?: SL;
  /** Retries when the OP throws TransientError (dflow's retry_on_transient_error). */
  retryOnTransientError?: number;
  /** A timeout counts as a transient error (retried) instead of a fatal one. */
  timeoutAsTransientError?: boolean;
}

/** A typed TypeScript OP run by `node` in its step (dflow's PythonOPTemplate counterpart). */
export class FunctionOPTemplate<I extends Sign = Sign, O extends Sign = Sign, SL extends Slices<any, any, any, any> | undefined = undefined> extends OPTemplate<
  FunctionIO<I, O, KeysOf<SL>>
> {
  readonly templateKind: "function" = "function";
  name: string;
  readonly definition: OpDefinition<I, O>;
  readonly options: FunctionOPOptions<SL>;

  constructor(op: OpDefinition<I, O> | OPClass<I, O> | FunctionOPTemplate<I, O, any>, options: FunctionOPOptions<SL> = {}) {
    super();
    if (op instanceof FunctionOPTemplate) {
      this.definition = op.definition;
      options = { ...op.options, ...options } as FunctionOPOptions<SL>;
    } else if (isOPClass(op)) this.definition = fromClass(op) as unknown as OpDefinition<I, O>;
    else this.definition = op as OpDefinition<I, O>;
    noteOp(this.definition);
    this.options = options;
    this.name = checkName("template", options.name ?? toTemplateName(this.definition.name));
    const ins = splitSign(this.definition.inputs, `OP "${this.definition.name}" inputs`);
    const outs = splitSign(this.definition.outputs, `OP "${this.definition.name}" outputs`);
    for (const [n] of [...ins.parameters, ...outs.parameters]) checkName("parameter", n, `OP "${this.definition.name}"`);
    for (const [n] of [...ins.artifacts, ...outs.artifacts]) checkName("artifact", n, `OP "${this.definition.name}"`);
    if (ins.artifacts.some(([n]) => n === BUNDLE_ARTIFACT))
      throw new ValidationError(`OP "${this.definition.name}": the input artifact name "${BUNDLE_ARTIFACT}" is reserved for the OP's bundle; rename the artifact`, this.definition.name, "artifact-name");
    options.slices?.check(
      this.definition.name,
      { parameters: ins.parameters.map(([n]) => n), artifacts: ins.artifacts.map(([n]) => n) },
      { parameters: outs.parameters.map(([n]) => n), artifacts: outs.artifacts.map(([n]) => n) },
    );
  }

  /** The same OP with other template options (image, slices, retries...). */
  withOptions<S2 extends Slices<any, any, any, any> | undefined = SL>(options: FunctionOPOptions<S2>): FunctionOPTemplate<I, O, S2> {
    return new FunctionOPTemplate<I, O, S2>(this, options);
  }

  describeInputs(): InputDescription {
    const { parameters, artifacts } = splitSign(this.definition.inputs, this.name);
    return {
      parameters: parameters.map(([name, schema]) => ({
        name,
        required: !acceptsUndefined(schema),
        schema,
        ...(this.options.slices?.inputParameter.includes(name) ? { sliced: true } : {}),
      })),
      artifacts: artifacts.map(([name, spec]) => ({ name, optional: spec.optional, shape: spec.shape })),
    };
  }
  describeOutputs(): OutputDescription {
    const { parameters, artifacts } = splitSign(this.definition.outputs, this.name);
    return { parameters: parameters.map(([n]) => n), artifacts: artifacts.map(([n]) => n) };
  }

  /** How the OP is sliced, if it is: the calling step then fans out and stacks (see Step). */
  slicing(): Slices<any, any, any, any> | undefined {
    return this.options.slices;
  }

  build(ctx: BuildContext): ArgoTemplate {
    const def = this.definition;
    const { parameters, artifacts } = splitSign(def.inputs, this.name);
    const outs = splitSign(def.outputs, this.name);
    const o = this.options;
    const env: EnvVar[] = parameters.map(([name], i) => ({ name: `${ENV.inputPrefix}${i}`, value: `{{inputs.parameters.${name}}}` }));
    const inputParams: NonNullable<ArgoTemplate["inputs"]>["parameters"] = parameters.map(([name, schema]) => {
      const d = defaultOf(schema);
      return d === undefined ? { name } : { name, default: encodeParam(d) };
    });
    const stacked = new Set(o.slices?.outputArtifact ?? []);
    if (o.slices) {
      inputParams.push({ name: SLICE_PARAMETER });
      if (stacked.size) inputParams.push({ name: STACK_KEY_PARAMETER });
      env.push({ name: "DFLOW_SLICE", value: `{{inputs.parameters.${SLICE_PARAMETER}}}` });
      env.push({ name: "DFLOW_SLICES", value: JSON.stringify(o.slices) });
    }
    env.push(...(buildEnv(o.envs) ?? []));
    const bundle = ctx.bundle === "inline" ? bundleOp(def.module, def.name, def.exportName) : undefined;
    const annotations: Record<string, string> = {
      [ANNOTATION.opKind]: "function",
      [ANNOTATION.opName]: def.name,
      ...(bundle ? { [ANNOTATION.bundleHash]: bundle.hash } : {}),
      ...(o.slices ? { [ANNOTATION.slices]: JSON.stringify(o.slices) } : {}),
      ...(o.annotations ?? {}),
    };
    const t: ArgoTemplate = {
      name: this.name,
      metadata: { annotations, ...(o.labels ? { labels: o.labels } : {}) },
      inputs: {
        ...(inputParams.length ? { parameters: inputParams } : {}),
        ...(artifacts.length
          ? { artifacts: artifacts.map(([name, spec]) => ({ name, path: inputArtifactPath(name), ...(spec.optional ? { optional: true } : {}) })) }
          : {}),
      },
      outputs: {
        ...(outs.parameters.length
          ? { parameters: outs.parameters.map(([name]) => ({ name, valueFrom: { path: outputParameterPath(name) } })) }
          : {}),
        ...(outs.artifacts.length
          ? {
              artifacts: outs.artifacts.map(([name, spec]) => {
                // A sliced output goes, unarchived, under the loop's common prefix: the children's parts merge there.
                if (stacked.has(name)) return { name, path: outputArtifactPath(name), ...(spec.optional ? { optional: true } : {}), archive: { none: {} }, s3: { key: `{{inputs.parameters.${STACK_KEY_PARAMETER}}}/${name}` } };
                const archive = archiveOf(spec.archive);
                return { name, path: outputArtifactPath(name), ...(spec.optional ? { optional: true } : {}), ...(archive ? { archive } : {}) };
              }),
            }
          : {}),
      },
      script: {
        image: o.image ?? config.defaultImage ?? DEFAULT_NODE_IMAGE,
        command: ["node"],
        env,
        source: bundle ? bundle.source : `// bundle of OP "${def.name}" from ${path.relative(process.cwd(), def.module)} (omitted)`,
        ...(buildResources(o) ? { resources: buildResources(o)! } : {}),
        ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
      },
    };
    if (!t.inputs!.parameters && !t.inputs!.artifacts) delete t.inputs;
    if (!t.outputs!.parameters && !t.outputs!.artifacts) delete t.outputs;
    if (o.nodeSelector) t.nodeSelector = o.nodeSelector;
    if (o.timeout !== undefined) t.activeDeadlineSeconds = o.timeout;
    const retry = retryStrategy(o);
    if (retry) t.retryStrategy = retry;
    return t;
  }
}

/** Transient errors exit with EXIT.transient; only those are retried (plus timeouts when asked). */
function retryStrategy(o: FunctionOPOptions): ArgoTemplate["retryStrategy"] {
  if (o.retryOnTransientError === undefined) return o.retries !== undefined ? { limit: o.retries } : undefined;
  const conds = [`asInt(lastRetry.exitCode) == ${EXIT.transient}`];
  if (o.timeoutAsTransientError) conds.push(`lastRetry.status == "Error"`, `lastRetry.message contains "deadline"`);
  return { limit: o.retryOnTransientError, retryPolicy: "Always", expression: conds.join(" || ") };
}

function acceptsUndefined(schema: StandardSchemaV1): boolean {
  const r = schema["~standard"].validate(undefined);
  return !(r instanceof Promise) && !r.issues;
}

/** A schema's default (zod's .default()), as the value it yields for undefined. */
function defaultOf(schema: StandardSchemaV1): unknown {
  const r = schema["~standard"].validate(undefined);
  return r instanceof Promise || r.issues ? undefined : r.value;
}

function fromClass(cls: OPClass): OpDefinition {
  const module = callerModule() ?? insideStep();
  if (!module) throw new DflowError(`cannot tell which module defines class OP ${cls.name}`, cls.name, "op-module");
  const inputs = cls.inputSign();
  const outputs = cls.outputSign();
  const name = (cls as unknown as { opName?: string }).opName ?? cls.name;
  checkSigns(name, inputs, outputs);
  return {
    name,
    inputs,
    outputs,
    exportName: cls.name,
    module: (cls as unknown as { module?: string }).module ?? module,
    run: (input, ctx) => {
      const op = new (cls as unknown as new () => import("../op/class-op.ts").OP)();
      op.context = ctx;
      return op.execute(input as never, ctx) as never;
    },
  };
}

/** Inside a step the OP is already bundled: its module path no longer matters. */
function insideStep(): string | undefined {
  return process.env[ENV.inRunner] ? "<bundled>" : undefined;
}

export interface DefineOpOptions<I extends Sign, O extends Sign> extends FunctionOPOptions<undefined> {
  name: string;
  inputs: I;
  outputs: O;
  run: (input: RunInput<I>, ctx: OpContext) => RunOutput<O> | Promise<RunOutput<O>>;
  /** The defining module (`import.meta.url`); found from the call stack when omitted. */
  module?: string;
}

/**
 * A function OP: typed inputs and outputs (Standard Schemas such as zod, and Artifact.*), checked
 * before and after `run`. The result is a template that steps can use directly.
 */
export function defineOp<const I extends Sign, const O extends Sign>(opts: DefineOpOptions<I, O>): FunctionOPTemplate<I, O> {
  const { name, inputs, outputs, run, module, ...options } = opts;
  if (typeof name !== "string" || !name) throw new ValidationError("defineOp: name is required", "defineOp", "op-name");
  checkSigns(name, inputs, outputs);
  if (typeof run !== "function") throw new ValidationError(`defineOp "${name}": run must be a function`, name, "op-run");
  const file = module ? (module.startsWith("file:") ? new URL(module).pathname : module) : (callerModule() ?? insideStep());
  if (!file) throw new DflowError(`defineOp "${name}": cannot tell which module defines it; pass module: import.meta.url`, name, "op-module");
  return new FunctionOPTemplate<I, O>({ name, inputs, outputs, run, module: file }, options);
}

export { ArtifactSpec };
