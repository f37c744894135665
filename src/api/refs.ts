/** Any Argo template string, e.g. "{{item}}" or "{{inputs.parameters.x}}": allowed for every input. */
export type Expr = `${string}{{${string}}}${string}`;

/** The object a reference points into: a Step or Task (its outputs) or a Steps/DAG (its inputs). */
export interface Producer {
  readonly kind: "step" | "task";
  readonly name: string;
  /** The step/task that holds output artifact `name` when it is not the producer itself (stacked slices). */
  artifactOwner?(name: string): string | undefined;
}
export interface InputsOwner {
  readonly kind: "steps" | "dag" | "template";
  readonly name: string;
}

declare const TYPE: unique symbol;

/** `"parameters"` or `"artifacts"`. */
export type IOKind = "parameters" | "artifacts";

type RefSource =
  | { scope: "outputs"; producer: Producer }
  | { scope: "inputs"; owner: InputsOwner }
  | { scope: "workflow" };

abstract class RefBase {
  abstract readonly io: IOKind;
  constructor(
    readonly source: RefSource,
    readonly name: string,
  ) {}

  /** The step/task whose outputs hold the value. */
  private get holder(): string {
    const s = this.source as { producer: Producer };
    return (this.io === "artifacts" ? s.producer.artifactOwner?.(this.name) : undefined) ?? s.producer.name;
  }

  /** Argo's path of the value: steps.s0.outputs.parameters.msg */
  get path(): string {
    const s = this.source;
    if (s.scope === "outputs") return `${s.producer.kind === "step" ? "steps" : "tasks"}.${this.holder}.outputs.${this.io}.${this.name}`;
    if (s.scope === "inputs") return `inputs.${this.io}.${this.name}`;
    return `workflow.${this.io}.${this.name}`;
  }

  /** The same value in expr-lang form (for `{{=…}}` and valueFrom.expression). */
  get exprPath(): string {
    const s = this.source;
    if (s.scope === "outputs") return `${s.producer.kind === "step" ? "steps" : "tasks"}['${this.holder}'].outputs.${this.io}['${this.name}']`;
    if (s.scope === "inputs") return `inputs.${this.io}['${this.name}']`;
    return `workflow.${this.io}['${this.name}']`;
  }

  /** "{{steps.s0.outputs.parameters.msg}}": so that `${ref}` works in strings (when, keys, scripts). */
  toString(): string {
    return `{{${this.path}}}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

/** A reference to a parameter; `T` is its value type (invariant, so mismatched wiring is a type error). */
export class ParameterRef<T = any> extends RefBase {
  declare readonly [TYPE]?: (x: T) => T;
  readonly io = "parameters" as const;
}

/** A reference to an artifact; `T` is what an OP sees (a path, a list of paths, a record...). */
export class ArtifactRef<T = any> extends RefBase {
  declare readonly [TYPE]?: (x: T) => T;
  readonly io = "artifacts" as const;
}

export type Ref = ParameterRef | ArtifactRef;

export function isRef(x: unknown): x is Ref {
  return x instanceof RefBase;
}

/** `{{steps.a.outputs.parameters.b}}` etc. found in a string, as references by name. */
export const TEMPLATE_REF = /\{\{\s*(steps|tasks)\.([A-Za-z0-9-]+)\.(outputs\.(?:parameters|artifacts|result|exitCode)|id|ip|status|startedAt|finishedAt|exitCode)[^}]*\}\}/g;

/** Names of steps/tasks a string refers to (`{{tasks.x.…}}`), by scope. */
export function referencedNames(text: string, scope: "steps" | "tasks"): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TEMPLATE_REF)) if (m[1] === scope && m[2]) out.push(m[2]);
  return out;
}

/** Rewrites `{{a.b.c}}` inside a string into expr-lang form (`a.b.c` with brackets for odd names). */
export function toExprForm(text: string): string {
  return text.replace(/\{\{\s*([^}=][^}]*?)\s*\}\}/g, (_, path: string) =>
    path
      .split(".")
      .map((seg, i) => (i === 0 ? seg : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `['${seg}']`))
      .join(""),
  );
}
