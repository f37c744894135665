import { config } from "./config.ts";
import type { Artifact as ArgoArtifact, Parameter as ArgoParameter } from "../argo/manifest.ts";
import type { ArchiveMode, ArtifactShape } from "../op/artifact.ts";
import { encodeParam } from "../op/codec.ts";
import type { StandardSchemaV1 } from "../op/standard-schema.ts";
import { IfExpression } from "./if-expression.ts";
import { type ArtifactRef, isRef, type ParameterRef } from "./refs.ts";

/** Argo's archive field for an artifact's mode; unset follows config.archiveMode (dflow's archive_mode). */
export function archiveOf(mode: ArchiveMode | undefined): ArgoArtifact["archive"] {
  if (mode === null || (mode === undefined && config.archiveMode === null)) return { none: {} };
  return undefined;
}

/**
 * Inputs know their name once they are part of a template's inputs, so that they can be used as
 * references inside it: in step arguments, in strings (`${inputs.parameters.x}`), in argoLen().
 */
abstract class BoundInput {
  #name?: string;
  abstract readonly io: "parameters" | "artifacts";
  /** Set by the template that declares it. */
  bindName(name: string): void {
    this.#name = name;
  }
  get boundName(): string | undefined {
    return this.#name;
  }
  /** expr-lang form: inputs.parameters['x']. */
  get exprPath(): string {
    return `inputs.${this.io}['${this.#name ?? "?"}']`;
  }
  toString(): string {
    return this.#name === undefined ? `[unbound input ${this.io.slice(0, -1)}]` : `{{inputs.${this.io}.${this.#name}}}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

/** An input parameter of a template; `value` is its default, overridable by each step. */
export class InputParameter<T = any> extends BoundInput {
  readonly io = "parameters" as const;
  declare readonly __type?: T;
  value?: T;
  description?: string;
  enum?: T[];
  type?: StandardSchemaV1;
  constructor(options: { value?: T; description?: string; enum?: T[]; type?: StandardSchemaV1<T> } = {}) {
    super();
    Object.assign(this, options);
  }
  get hasDefault(): boolean {
    return this.value !== undefined;
  }
  build(name: string): ArgoParameter {
    const p: ArgoParameter = { name };
    if (this.value !== undefined) p.default = encodeParam(this.value);
    if (this.enum) p.enum = this.enum.map(encodeParam);
    if (this.description) p.description = this.description;
    return p;
  }
}

/** An input artifact; `path` is where the script finds it (defaults are set by the template kind). */
export class InputArtifact<T = any> extends BoundInput {
  readonly io = "artifacts" as const;
  declare readonly __type?: T;
  path?: string;
  optional?: boolean;
  archive?: ArchiveMode;
  subPath?: string;
  shape?: ArtifactShape;
  description?: string;
  constructor(options: { path?: string; optional?: boolean; archive?: ArchiveMode; subPath?: string; shape?: ArtifactShape } = {}) {
    super();
    Object.assign(this, options);
  }
  build(name: string, defaultPath?: string): ArgoArtifact {
    const a: ArgoArtifact = { name };
    const path = this.path ?? defaultPath;
    if (path) a.path = path;
    if (this.optional) a.optional = true;
    if (this.subPath) a.subPath = this.subPath;
    return a;
  }
}

/**
 * An output parameter: from a file (`valueFromPath`), an expression (`valueFromExpression`), a
 * parameter of an inner step (`valueFromParameter`, Steps/DAG), a field of the Kubernetes resource
 * of a resource template (`valueFromJsonPath`, `valueFromJqFilter`), or a fixed `value`; `default`
 * is used when the file is missing, the expression fails or the step is skipped.
 */
export class OutputParameter<T = any> {
  declare readonly __type?: T;
  valueFromPath?: string;
  /** Resource templates: a kubectl JSONPath into the resource, e.g. `{.metadata.name}`. */
  valueFromJsonPath?: string;
  /** Resource templates: a jq filter on the resource, e.g. `.status.succeeded`. */
  valueFromJqFilter?: string;
  valueFromExpression?: string | IfExpression;
  valueFromParameter?: ParameterRef | string;
  value?: T;
  default?: T;
  globalName?: string;
  description?: string;
  type?: StandardSchemaV1;
  constructor(
    options: {
      valueFromPath?: string;
      valueFromJsonPath?: string;
      valueFromJqFilter?: string;
      valueFromExpression?: string | IfExpression;
      valueFromParameter?: ParameterRef | string;
      value?: T;
      default?: T;
      globalName?: string;
      description?: string;
      type?: StandardSchemaV1<T>;
    } = {},
  ) {
    Object.assign(this, options);
  }
  build(name: string, defaultPath?: string): ArgoParameter {
    const p: ArgoParameter = { name };
    if (this.value !== undefined) p.value = encodeParam(this.value);
    const vf: NonNullable<ArgoParameter["valueFrom"]> = {};
    if (this.valueFromParameter !== undefined) vf.parameter = String(this.valueFromParameter);
    else if (this.valueFromExpression !== undefined) vf.expression = String(this.valueFromExpression);
    else if (this.valueFromJsonPath !== undefined) vf.jsonPath = this.valueFromJsonPath;
    else if (this.valueFromJqFilter !== undefined) vf.jqFilter = this.valueFromJqFilter;
    else if (this.valueFromPath ?? (this.value === undefined ? defaultPath : undefined)) vf.path = this.valueFromPath ?? defaultPath;
    if (this.default !== undefined) vf.default = encodeParam(this.default);
    if (Object.keys(vf).length > 0) p.valueFrom = vf;
    if (this.globalName) p.globalName = this.globalName;
    if (this.description) p.description = this.description;
    return p;
  }
  /** Text that may hold references (for dependency checks). */
  get referenceText(): string {
    const e = this.valueFromExpression;
    return `${this.valueFromParameter ?? ""} ${e instanceof IfExpression ? e.text : (e ?? "")}`;
  }
}

/** An output artifact: a file at `path` (script templates), or `from`/`fromExpression` (Steps/DAG). */
export class OutputArtifact<T = any> {
  declare readonly __type?: T;
  path?: string;
  from?: ArtifactRef | string;
  fromExpression?: string | IfExpression;
  archive?: ArchiveMode;
  optional?: boolean;
  globalName?: string;
  shape?: ArtifactShape;
  constructor(
    options: {
      path?: string;
      from?: ArtifactRef | string;
      _from?: ArtifactRef | string;
      fromExpression?: string | IfExpression;
      archive?: ArchiveMode;
      optional?: boolean;
      globalName?: string;
      shape?: ArtifactShape;
    } = {},
  ) {
    const { _from, ...rest } = options;
    Object.assign(this, rest);
    if (_from !== undefined) this.from = _from;
  }
  /** dflow's spelling. */
  get _from(): ArtifactRef | string | undefined {
    return this.from;
  }
  set _from(v: ArtifactRef | string | undefined) {
    this.from = v;
  }
  build(name: string, defaultPath?: string): ArgoArtifact {
    const a: ArgoArtifact = { name };
    if (this.from !== undefined) a.from = isRef(this.from) ? this.from.toString() : this.from;
    else if (this.fromExpression !== undefined) a.fromExpression = String(this.fromExpression);
    else {
      const path = this.path ?? defaultPath;
      if (path) a.path = path;
    }
    const archive = archiveOf(this.archive);
    if (archive) a.archive = archive;
    if (this.optional) a.optional = true;
    if (this.globalName) a.globalName = this.globalName;
    return a;
  }
  get referenceText(): string {
    const e = this.fromExpression;
    return `${this.from ?? ""} ${e instanceof IfExpression ? e.text : (e ?? "")}`;
  }
}

/** A record of inputs that names each input put in it (also when added later, dflow style). */
export function bindingRecord<R extends Record<string, InputParameter | InputArtifact>>(initial: R): R {
  const rec = new Proxy({} as R, {
    set(target, key, value) {
      if (typeof key === "string" && (value instanceof InputParameter || value instanceof InputArtifact)) value.bindName(key);
      (target as Record<string | symbol, unknown>)[key] = value;
      return true;
    },
  });
  Object.assign(rec, initial);
  return rec;
}

export type InputParameters = Record<string, InputParameter>;
export type InputArtifacts = Record<string, InputArtifact>;
export type OutputParameters = Record<string, OutputParameter>;
export type OutputArtifacts = Record<string, OutputArtifact>;
