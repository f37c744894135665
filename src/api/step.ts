import type { Arguments, Artifact as ArgoArtifact, DAGTask, Parameter as ArgoParameter, Sequence, Template as ArgoTemplate, WorkflowStep } from "../argo/manifest.ts";
import { KEY_PARAMETER, SLICES_PATH_PARAMETER, sliceInitStepName, STACK_KEY_PARAMETER } from "../argo/dflow-conventions.ts";
import { needsSuccessCheck, WRAPPED_KEY_PARAMETER } from "../compile/success-check.ts";
import { INDEX_SUBPATH, indexArtifactName, sliceInitTemplate, STACK_SUBPATH, stackArtifactName } from "../compile/slices-init.ts";
import { encodeParam, checkSync } from "../op/codec.ts";
import { ArgoExpr, argoLen, argoRange, type ArgoSequence, type IntArg } from "./argo-expr.ts";
import { ValidationError } from "./errors.ts";
import { IfExpression } from "./if-expression.ts";
import { ArtifactSpec } from "../op/artifact.ts";
import { archiveOf, InputArtifact, InputParameter } from "./io.ts";
import { checkKey, checkName } from "./names.ts";
import { SLICE_PARAMETER, type Slices } from "./slices.ts";
import { ArtifactRef, type Expr, isRef, ParameterRef, type Producer, type Ref } from "./refs.ts";
import type { AnyTemplate, IOTypes, OPTemplate } from "./template.ts";
import type { Executor } from "./executor.ts";
import { Resource } from "./resource.ts";

/** An artifact that exists before the workflow runs (e.g. from uploadArtifact). */
export interface ArtifactSource<T = any> {
  readonly __artifactSource: true;
  declare?: T;
  /** The argument entry for an input named `name`. */
  toArgument(name: string): ArgoArtifact;
}

export function isArtifactSource(x: unknown): x is ArtifactSource {
  return typeof x === "object" && x !== null && (x as { __artifactSource?: unknown }).__artifactSource === true;
}

export type WithParam = ParameterRef | InputParameter | ArgoExpr | readonly unknown[] | string;

type IOOf<T> = T extends OPTemplate<infer IO> ? IO : never;

/** What a step may pass for a parameter of type V. */
export type ParamArg<V> = V | ParameterRef<V> | InputParameter<V> | ArgoExpr | Expr;
/** What a step may pass for an artifact of type V. */
export type ArtArg<V> = ArtifactRef<V> | InputArtifact<V> | ArtifactSource<V> | IfExpression | Expr;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type StepParameters<IO extends IOTypes> = Simplify<
  { [K in keyof IO["inParams"] & IO["required"]]: ParamArg<IO["inParams"][K]> } & {
    [K in Exclude<keyof IO["inParams"], IO["required"]>]?: ParamArg<IO["inParams"][K]>;
  }
>;
export type StepArtifacts<IO extends IOTypes> = { [K in keyof IO["inArts"]]?: ArtArg<IO["inArts"][K]> };

export interface StepOutputs<IO extends IOTypes> {
  parameters: { readonly [K in keyof IO["outParams"]]: ParameterRef<IO["outParams"][K]> };
  artifacts: { readonly [K in keyof IO["outArts"]]: ArtifactRef<IO["outArts"][K]> };
}

/** Outputs of a looped step: Argo aggregates each output parameter into a JSON list, in order. */
export interface LoopStepOutputs<IO extends IOTypes> {
  parameters: { readonly [K in keyof IO["outParams"]]: ParameterRef<IO["outParams"][K][]> };
  artifacts: { readonly [K in keyof IO["outArts"]]: ArtifactRef<IO["outArts"][K]> };
}

/** The loop fields, separate so that their presence types the outputs. */
export interface LoopOptions {
  /** Fan out over a list: a JSON-list parameter, a literal list, or argoRange(...). */
  withParam?: WithParam;
  withSequence?: ArgoSequence;
  withItems?: readonly unknown[];
}

type IsLoop<L> = L extends { withParam: {} } | { withSequence: {} } | { withItems: {} } ? true : false;
export type OutputsOf<T extends AnyTemplate, L> = IsLoop<L> extends true ? LoopStepOutputs<IOOf<T>> : StepOutputs<IOOf<T>>;

type RequiredKeys<IO extends IOTypes> = [IO["required"]] extends [never] ? false : true;

export type StepOptions<T extends AnyTemplate> = {
  name: string;
  template: T;
  artifacts?: StepArtifacts<IOOf<T>>;
  /** Locates the step (queryStep({ key })) and drives reuse; may hold `{{…}}` references. */
  key?: string;
  /** Run only if this condition (govaluate, after `{{…}}` substitution) is true. */
  when?: string;
  continueOnFailed?: boolean;
  continueOnError?: boolean;
  continueOnNumSuccess?: number;
  continueOnSuccessRatio?: number;
  /** Seconds. */
  timeout?: number;
  executor?: Executor;
  /**
   * Complete the step with a Kubernetes resource built from its script/container/function template
   * (dflow's use_resource, e.g. SlurmJob): Argo applies it and waits for its conditions. The
   * template must take only parameters and have no outputs. Not runnable by the local engine.
   */
  useResource?: Resource;
} & (RequiredKeys<IOOf<T>> extends true
  ? { parameters: StepParameters<IOOf<T>> }
  : { parameters?: StepParameters<IOOf<T>> });

/** Resolution of references while a Steps/DAG builds its children. */
export interface StepBuildContext {
  /** The manifest template name to call for this step (after variants such as timeout/executor). */
  templateName(step: StepBase<any, any>): string;
  /** Argo text for an input of the enclosing template (`{{inputs.parameters.x}}`). */
  inputRef(x: InputParameter | InputArtifact, where: string): string;
  /** Checks that a referenced step/task is visible from here. */
  checkRef(ref: Ref, where: string): void;
  /** Checks `{{steps.x…}}` text references. */
  checkText(text: string, where: string): void;
  /** Adds a generated template (once per name) and returns its name. */
  addTemplate(name: string, make: () => ArgoTemplate): string;
}

export abstract class StepBase<T extends AnyTemplate = AnyTemplate, L extends LoopOptions = {}> implements Producer {
  abstract readonly kind: "step" | "task";
  readonly name: string;
  readonly template: T;
  parameters: Record<string, unknown>;
  artifacts: Record<string, unknown>;
  key?: string;
  when?: string;
  withParam?: WithParam;
  withSequence?: ArgoSequence;
  withItems?: readonly unknown[];
  continueOnFailed: boolean;
  continueOnError: boolean;
  continueOnNumSuccess?: number;
  continueOnSuccessRatio?: number;
  timeout?: number;
  executor?: Executor;
  useResource?: Resource;
  readonly outputs: OutputsOf<T, L>;

  constructor(opts: StepOptions<T> & LoopOptions, kind: "step" | "task") {
    this.name = checkName(kind, opts.name);
    const where = `${kind} "${opts.name}"`;
    if (!opts.template || typeof (opts.template as AnyTemplate).build !== "function") {
      throw new ValidationError(`${where}: template must be an OP template (ShellOPTemplate, defineOp(...), Steps, DAG...)`, opts.name, "template");
    }
    this.template = opts.template;
    this.parameters = { ...((opts.parameters as Record<string, unknown>) ?? {}) };
    this.artifacts = { ...((opts.artifacts as Record<string, unknown>) ?? {}) };
    if (opts.key !== undefined) this.key = checkKey(opts.key, where);
    if (opts.when !== undefined) this.when = String(opts.when);
    if (opts.withParam !== undefined) this.withParam = opts.withParam;
    if (opts.withSequence !== undefined) this.withSequence = opts.withSequence;
    if (opts.withItems !== undefined) this.withItems = opts.withItems;
    const loops = [opts.withParam, opts.withSequence, opts.withItems].filter((x) => x !== undefined).length;
    if (loops > 1) throw new ValidationError(`${where}: give only one of withParam, withSequence, withItems`, opts.name, "loop");
    this.continueOnFailed = !!opts.continueOnFailed;
    this.continueOnError = !!opts.continueOnError;
    if (opts.continueOnNumSuccess !== undefined) this.continueOnNumSuccess = opts.continueOnNumSuccess;
    if (opts.continueOnSuccessRatio !== undefined) {
      if (!(opts.continueOnSuccessRatio > 0 && opts.continueOnSuccessRatio <= 1)) {
        throw new ValidationError(`${where}: continueOnSuccessRatio must be in (0, 1], got ${opts.continueOnSuccessRatio}`, opts.name, "ratio");
      }
      this.continueOnSuccessRatio = opts.continueOnSuccessRatio;
    }
    if (opts.timeout !== undefined) {
      if (!(opts.timeout > 0)) throw new ValidationError(`${where}: timeout must be a positive number of seconds`, opts.name, "timeout");
      this.timeout = opts.timeout;
    }
    if (opts.executor !== undefined) this.executor = opts.executor;
    if (opts.useResource !== undefined) {
      if (!(opts.useResource instanceof Resource)) throw new ValidationError(`${where}: useResource must be a Resource (e.g. new SlurmJob({ header }))`, opts.name, "use-resource");
      this.useResource = opts.useResource;
    }
    this.checkInputs(where);
    this.outputs = this.makeOutputs(where);
  }

  /** Unknown inputs, missing required ones and static values that fail the schema are errors now. */
  private checkInputs(where: string): void {
    const d = this.template.describeInputs();
    const declared = new Map(d.parameters.map((p) => [p.name, p]));
    for (const [name, value] of Object.entries(this.parameters)) {
      const p = declared.get(name);
      if (!p) {
        const known = d.parameters.map((x) => x.name).join(", ") || "none";
        throw new ValidationError(`${where}: unknown parameter "${name}" for template "${this.template.name}" (declared: ${known})`, `${this.name}.parameters.${name}`, "unknown-input");
      }
      if (value === undefined) {
        throw new ValidationError(`${where}: parameter "${name}" is undefined (a misspelled output reference?)`, `${this.name}.parameters.${name}`, "undefined-input");
      }
      if (p.schema && isStatic(value)) {
        if (p.sliced && !Array.isArray(value)) {
          throw new ValidationError(`${where}: parameter "${name}" is sliced, so it takes a list (got ${JSON.stringify(value)})`, `${this.name}.parameters.${name}`, "type");
        }
        for (const [i, v] of (p.sliced ? (value as unknown[]) : [value]).entries()) {
          const r = checkSync(p.schema, v);
          if (r && !r.ok) {
            const at = p.sliced ? `[${i}]` : "";
            throw new ValidationError(`${where}: parameter "${name}"${at} of OP "${this.template.name}": ${r.message}`, `${this.name}.parameters.${name}`, "type");
          }
        }
      }
    }
    for (const p of d.parameters) {
      if (p.required && !(p.name in this.parameters)) {
        throw new ValidationError(`${where}: missing parameter "${p.name}" required by template "${this.template.name}"`, `${this.name}.parameters.${p.name}`, "missing-input");
      }
    }
    const arts = new Map(d.artifacts.map((a) => [a.name, a]));
    for (const [name, value] of Object.entries(this.artifacts)) {
      if (!arts.has(name)) {
        const known = d.artifacts.map((x) => x.name).join(", ") || "none";
        throw new ValidationError(`${where}: unknown artifact "${name}" for template "${this.template.name}" (declared: ${known})`, `${this.name}.artifacts.${name}`, "unknown-input");
      }
      if (!(value instanceof ArtifactRef || value instanceof InputArtifact || value instanceof IfExpression || isArtifactSource(value) || typeof value === "string")) {
        throw new ValidationError(`${where}: artifact "${name}" must be an output artifact of a step, an input artifact, an uploaded artifact or a "{{…}}" string`, `${this.name}.artifacts.${name}`, "artifact-kind");
      }
    }
    for (const a of d.artifacts) {
      if (!a.optional && !(a.name in this.artifacts)) {
        throw new ValidationError(`${where}: missing artifact "${a.name}" required by template "${this.template.name}" (mark it optional to allow this)`, `${this.name}.artifacts.${a.name}`, "missing-input");
      }
    }
  }

  private makeOutputs(where: string): OutputsOf<T, L> {
    const tpl = this.template;
    const make = <R>(io: "parameters" | "artifacts", ctor: (name: string) => R) =>
      new Proxy({} as Record<string, R>, {
        get: (_t, prop) => {
          if (typeof prop !== "string") return undefined;
          const names = tpl.describeOutputs()[io];
          if (!names.includes(prop)) {
            if (prop === "then" || prop === "toJSON") return undefined;
            throw new ValidationError(`${where} has no output ${io.slice(0, -1)} "${prop}" (template "${tpl.name}" declares: ${names.join(", ") || "none"})`, `${this.name}.outputs.${io}.${prop}`, "unknown-output");
          }
          return ctor(prop);
        },
        has: (_t, prop) => typeof prop === "string" && tpl.describeOutputs()[io].includes(prop),
        ownKeys: () => tpl.describeOutputs()[io],
        getOwnPropertyDescriptor: (_t, prop) =>
          typeof prop === "string" && tpl.describeOutputs()[io].includes(prop)
            ? { enumerable: true, configurable: true, value: ctor(prop) }
            : undefined,
      });
    return {
      parameters: make("parameters", (n) => new ParameterRef({ scope: "outputs", producer: this }, n)),
      artifacts: make("artifacts", (n) => new ArtifactRef({ scope: "outputs", producer: this }, n)),
    } as unknown as OutputsOf<T, L>;
  }

  /** Every value this step reads from (parameters, artifacts, when, loops, key): for dependency inference. */
  *inputValues(): Generator<unknown> {
    yield* Object.values(this.parameters);
    yield* Object.values(this.artifacts);
    yield this.when;
    yield this.key;
    yield this.withParam;
    if (this.withSequence) yield* Object.values(this.withSequence);
  }

  protected buildCommon(ctx: StepBuildContext): Omit<WorkflowStep, "name"> {
    const where = `${this.kind} "${this.name}"`;
    const parameters: ArgoParameter[] = Object.entries(this.parameters).map(([name, v]) => ({
      name,
      value: paramText(v, ctx, `${where} parameter "${name}"`),
    }));
    const plan = this.slicePlan(where);
    let impliedLoop: string | undefined;
    if (plan) {
      const init = `${this.kind === "step" ? "steps" : "tasks"}.${sliceInitStepName(this.name)}`;
      if (plan.listed.length) impliedLoop = `{{${init}.outputs.parameters.${SLICES_PATH_PARAMETER}}}`;
      else if (!this.isLoop) {
        const source = this.parameters[plan.slices.inputParameter[0]!];
        impliedLoop = Array.isArray(source)
          ? JSON.stringify(source.map((_, i) => i))
          : loopText(argoRange(argoLen(source as ParameterRef)), ctx, `${where} slices`);
      }
      parameters.push({ name: SLICE_PARAMETER, value: plan.listed.length ? "{{item.order}}" : plan.slices.slices });
      if (plan.stacked.length) parameters.push({ name: STACK_KEY_PARAMETER, value: `{{${init}.outputs.parameters.${STACK_KEY_PARAMETER}}}` });
    }
    if (this.key !== undefined) {
      ctx.checkText(this.key, `${where} key`);
      parameters.push({ name: needsSuccessCheck(this) ? WRAPPED_KEY_PARAMETER : KEY_PARAMETER, value: this.key });
    }
    const artifacts: ArgoArtifact[] = Object.entries(this.artifacts).map(([name, v]) => {
      const a = artifactArg(name, v, ctx, `${where} artifact "${name}"`);
      // subPath mode: each child fetches only its element, whose path the init step listed.
      return plan?.slices.subPath && plan.listed.includes(name) ? withSubPath(a, `{{item.${name}}}`) : a;
    });
    const args: Arguments = {};
    if (parameters.length) args.parameters = parameters;
    if (artifacts.length) args.artifacts = artifacts;
    const s: Omit<WorkflowStep, "name"> = { template: ctx.templateName(this) };
    if (parameters.length || artifacts.length) s.arguments = args;
    if (this.when !== undefined) {
      ctx.checkText(this.when, `${where} when`);
      s.when = this.when;
    }
    if (this.withParam !== undefined) s.withParam = loopText(this.withParam, ctx, `${where} withParam`);
    else if (impliedLoop !== undefined) s.withParam = impliedLoop;
    if (this.withSequence) s.withSequence = sequence(this.withSequence, ctx, `${where} withSequence`);
    if (this.withItems) s.withItems = this.withItems.map((x) => x as never);
    // continueOnNumSuccess/Ratio: the wrapper template absorbs failures, a check step follows.
    const failed = this.continueOnFailed;
    if (failed || this.continueOnError) s.continueOn = { ...(failed ? { failed: true } : {}), ...(this.continueOnError ? { error: true } : {}) };
    return s;
  }

  /**
   * How a sliced template fans out (dflow's Slices): which outputs stack through an init step's
   * prefix, and which input artifacts the init step lists to give the loop its items (subPath
   * mode, or no loop and no sliced parameter to count).
   */
  slicePlan(where = `${this.kind} "${this.name}"`): SlicePlan | undefined {
    const slices = this.slicing;
    if (!slices) return undefined;
    const given = (names: string[]) => names.filter((n) => n in this.artifacts);
    const listed = slices.subPath || (!this.isLoop && slices.inputParameter.length === 0) ? given(slices.inputArtifact) : [];
    if (slices.subPath && listed.length && this.isLoop) {
      throw new ValidationError(`${where}: subPath slices set the loop themselves (one child per element of the sliced inputs); remove withParam/withSequence/withItems`, this.name, "slices-loop");
    }
    if (!this.isLoop && !listed.length && !slices.inputParameter.some((n) => n in this.parameters)) {
      throw new ValidationError(`${where} uses the sliced OP template "${this.template.name}" but has no withParam/withSequence/withItems and no sliced input to fan out over`, this.name, "slices-loop");
    }
    if (slices.subPath) {
      for (const a of listed) {
        const why = archivedSource(this.artifacts[a]);
        if (why) {
          throw new ValidationError(
            `${where}: subPath slices fetch single elements of input artifact "${a}", so it must be stored unarchived, but ${why}; declare it Artifact.paths({ archive: null }), upload it with { archive: null }, or set config.archiveMode = null`,
            `${this.name}.artifacts.${a}`,
            "slices-archive",
          );
        }
      }
    }
    return { slices, listed, stacked: slices.outputArtifact, params: listed.length ? slices.inputParameter.filter((n) => n in this.parameters) : [] };
  }

  /** The init step a sliced step needs before it (stacked outputs, listed inputs), if any. */
  buildSliceInit(ctx: StepBuildContext): { name: string; template: string; arguments?: Arguments; when?: string } | undefined {
    const plan = this.slicePlan();
    if (!plan || (!plan.stacked.length && !plan.listed.length)) return undefined;
    const where = `${this.kind} "${this.name}" (slices)`;
    const name = sliceInitStepName(this.name);
    const template = ctx.addTemplate(`${ctx.templateName(this)}-init-slices`, () =>
      sliceInitTemplate("", { step: this.name, stacked: plan.stacked, listed: plan.listed, params: plan.params }),
    );
    const parameters = plan.params.map((p) => ({ name: p, value: paramText(this.parameters[p], ctx, `${where} parameter "${p}"`) }));
    const artifacts = plan.listed.flatMap((a) => {
      const source = artifactArg(a, this.artifacts[a], ctx, `${where} artifact "${a}"`);
      return [
        { ...withSubPath(source, INDEX_SUBPATH), name: indexArtifactName(a), optional: true },
        { ...withSubPath(source, STACK_SUBPATH), name: stackArtifactName(a), optional: true },
      ];
    });
    const args: Arguments = {};
    if (parameters.length) args.parameters = parameters;
    if (artifacts.length) args.artifacts = artifacts;
    return { name, template, ...(parameters.length || artifacts.length ? { arguments: args } : {}), ...(this.when !== undefined && !this.when.includes("item") ? { when: this.when } : {}) };
  }

  /** Where an output artifact of this step lives: a stacked one in its init step's prefix. */
  artifactOwner(name: string): string | undefined {
    return this.slicing?.outputArtifact.includes(name) ? sliceInitStepName(this.name) : undefined;
  }

  /** The Slices of the step's template (function OPs), if it is sliced. */
  private get slicing(): Slices<any, any, any, any> | undefined {
    return (this.template as { slicing?: () => Slices<any, any, any, any> | undefined }).slicing?.();
  }

  get isLoop(): boolean {
    return this.withParam !== undefined || this.withSequence !== undefined || this.withItems !== undefined;
  }
}

export interface SlicePlan {
  slices: Slices<any, any, any, any>;
  /** Sliced input artifacts the init step lists (the loop's items). */
  listed: string[];
  /** Sliced output artifacts stacked under the init step's prefix. */
  stacked: string[];
  /** Sliced input parameters checked against the listed artifacts' length. */
  params: string[];
}

/** Why an artifact argument is known to be stored as tar.gz, if it is. */
function archivedSource(v: unknown): string | undefined {
  if (isArtifactSource(v) && "archive" in v && (v as { archive: unknown }).archive !== null) return "it was uploaded as tar.gz";
  if (!(v instanceof ArtifactRef) || v.source.scope !== "outputs") return undefined;
  const producer = v.source.producer as StepBase;
  if (producer.artifactOwner?.(v.name)) return undefined; // stacked slices are unarchived
  const spec = (producer.template as { definition?: { outputs: Record<string, unknown> } }).definition?.outputs[v.name];
  if (!(spec instanceof ArtifactSpec)) return undefined;
  return archiveOf(spec.archive) ? undefined : `output artifact "${v.name}" of ${producer.kind} "${producer.name}" is stored as tar.gz`;
}

function withSubPath(a: ArgoArtifact, sub: string): ArgoArtifact {
  return { ...a, subPath: a.subPath ? `${a.subPath}/${sub}` : sub };
}

function isStatic(v: unknown): boolean {
  if (isRef(v) || v instanceof InputParameter || v instanceof ArgoExpr) return false;
  if (typeof v === "string") return !v.includes("{{");
  if (typeof v === "object" && v !== null) return !JSON.stringify(v).includes("{{");
  return true;
}

function paramText(v: unknown, ctx: StepBuildContext, where: string): string {
  if (v instanceof ParameterRef) {
    ctx.checkRef(v, where);
    return v.toString();
  }
  if (v instanceof ArtifactRef) throw new ValidationError(`${where}: got an artifact reference where a parameter is expected`, where, "kind");
  if (v instanceof InputParameter) return ctx.inputRef(v, where);
  const text = v instanceof ArgoExpr ? v.toString() : encodeParam(v);
  ctx.checkText(text, where);
  return text;
}

function artifactArg(name: string, v: unknown, ctx: StepBuildContext, where: string): ArgoArtifact {
  if (v instanceof ArtifactRef) {
    ctx.checkRef(v, where);
    return { name, from: v.toString() };
  }
  if (v instanceof InputArtifact) return { name, from: ctx.inputRef(v, where) };
  if (v instanceof IfExpression) {
    ctx.checkText(v.text, where);
    return { name, fromExpression: v.toString() };
  }
  if (isArtifactSource(v)) return v.toArgument(name);
  const text = String(v);
  ctx.checkText(text, where);
  return { name, from: text };
}

function loopText(v: unknown, ctx: StepBuildContext, where: string): string {
  if (v instanceof ParameterRef) {
    ctx.checkRef(v, where);
    return v.toString();
  }
  if (v instanceof InputParameter) return ctx.inputRef(v, where);
  if (v instanceof ArgoExpr) {
    ctx.checkText(v.expr, where);
    return v.toString();
  }
  if (Array.isArray(v)) return JSON.stringify(v);
  if (typeof v === "string") {
    ctx.checkText(v, where);
    if (!v.includes("{{")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        throw new ValidationError(`${where}: ${JSON.stringify(v)} is neither a JSON list nor a "{{…}}" reference`, where, "with-param");
      }
      if (!Array.isArray(parsed)) throw new ValidationError(`${where}: ${JSON.stringify(v)} is not a JSON list`, where, "with-param");
    }
    return v;
  }
  throw new ValidationError(`${where}: expected a list, a parameter reference or argoRange(...)`, where, "with-param");
}

function sequence(seq: ArgoSequence, ctx: StepBuildContext, where: string): Sequence {
  const part = (x: IntArg | undefined): string | number | undefined => {
    if (x === undefined) return undefined;
    if (typeof x === "number") return String(x);
    return paramText(x, ctx, where);
  };
  const out: Sequence = {};
  for (const k of ["start", "count", "end"] as const) {
    const v = part(seq[k]);
    if (v !== undefined) out[k] = v;
  }
  if (seq.format !== undefined) out.format = seq.format;
  return out;
}

/** A step of a Steps template (or of a Workflow's implicit entrypoint). */
export class Step<T extends AnyTemplate = AnyTemplate, L extends LoopOptions = {}> extends StepBase<T, L> {
  readonly kind = "step" as const;
  constructor(opts: StepOptions<T> & L) {
    super(opts, "step");
  }
  build(ctx: StepBuildContext): WorkflowStep {
    return { name: this.name, ...this.buildCommon(ctx) };
  }
}

/** A task of a DAG: like a Step, with dependencies (explicit or inferred from its inputs). */
export class Task<T extends AnyTemplate = AnyTemplate, L extends LoopOptions = {}> extends StepBase<T, L> {
  readonly kind = "task" as const;
  dependencies: (Task<any, any> | string)[];
  constructor(opts: StepOptions<T> & L & { dependencies?: (Task<any, any> | string)[] }) {
    super(opts, "task");
    this.dependencies = [...(opts.dependencies ?? [])];
  }
  build(ctx: StepBuildContext, dependencies: string[]): DAGTask {
    const { template, ...rest } = this.buildCommon(ctx);
    return { name: this.name, template: template!, ...rest, ...(dependencies.length ? { dependencies } : {}) };
  }
}
