import type { Template as ArgoTemplate } from "../argo/manifest.ts";
import { ValidationError } from "./errors.ts";
import { InputArtifact, InputParameter, OutputArtifact, OutputParameter } from "./io.ts";
import { checkName } from "./names.ts";
import { ArtifactRef, isRef, ParameterRef, type Ref, referencedNames } from "./refs.ts";
import { DeclaredIOTemplate, type TemplateIOOptions } from "./script-template.ts";
import type { StepBase, StepBuildContext } from "./step.ts";
import type { AnyTemplate, BuildContext } from "./template.ts";

export interface ContainerTemplateOptions<IP, IA, OP, OA> extends TemplateIOOptions<IP, IA, OP, OA> {
  name: string;
  /** Max concurrent children (Argo template parallelism). */
  parallelism?: number;
  annotations?: Record<string, string>;
}

/** What Steps and DAG share: IO declared like script templates, children, and reference checks. */
export abstract class ContainerTemplate<IP, IA, OP, OA> extends DeclaredIOTemplate<IP, IA, OP, OA> {
  name: string;
  parallelism?: number;
  annotations?: Record<string, string>;
  abstract readonly containerKind: "Steps" | "DAG";

  constructor(opts: ContainerTemplateOptions<IP, IA, OP, OA>) {
    super(opts);
    this.name = checkName("template", opts.name);
    if (opts.parallelism !== undefined) this.parallelism = opts.parallelism;
    if (opts.annotations) this.annotations = opts.annotations;
  }

  abstract allSteps(): StepBase<any, any>[];

  override children(): AnyTemplate[] {
    return this.allSteps().map((s) => s.template);
  }

  protected where(): string {
    return `${this.containerKind} "${this.name}"`;
  }

  /** Name of an input of this template that `x` is (by identity). */
  protected inputName(x: InputParameter | InputArtifact, where: string): string {
    const rec: Record<string, unknown> = x instanceof InputParameter ? this.inputs.parameters : this.inputs.artifacts;
    for (const [name, v] of Object.entries(rec)) if (v === x) return name;
    throw new ValidationError(`${where}: uses an input ${x instanceof InputParameter ? "parameter" : "artifact"} that is not declared by ${this.where()} (inputs of another template cannot be referenced)`, where, "foreign-input");
  }

  /** `visible` = steps/tasks a child may reference by name (and object). */
  protected stepContext(ctx: BuildContext, visible: ReadonlySet<StepBase<any, any>>, scope: "steps" | "tasks", self?: StepBase<any, any>): StepBuildContext {
    const byName = new Map([...this.allSteps()].map((s) => [s.name, s]));
    const visibleNames = new Set([...visible].map((s) => s.name));
    const checkName_ = (name: string, where: string) => {
      if (!byName.has(name)) {
        throw new ValidationError(`${where}: references ${scope}.${name}, but ${this.where()} has no ${scope === "steps" ? "step" : "task"} "${name}"`, where, "unknown-reference");
      }
      if (!visibleNames.has(name) || byName.get(name) === self) {
        throw new ValidationError(
          scope === "steps"
            ? `${where}: references step "${name}", which does not run before it (a step can only use outputs of steps in earlier groups)`
            : `${where}: references task "${name}" (itself)`,
          where,
          "reference-order",
        );
      }
    };
    return {
      templateName: (step) => ctx.stepTemplateName(step),
      addTemplate: (name, make) => ctx.addTemplate(name, make),
      inputRef: (x, where) => `{{inputs.${x instanceof InputParameter ? "parameters" : "artifacts"}.${this.inputName(x, where)}}}`,
      checkRef: (ref: Ref, where) => {
        const s = ref.source;
        if (s.scope === "outputs") {
          const owner = byName.get(s.producer.name);
          if (owner !== s.producer) {
            throw new ValidationError(`${where}: references ${s.producer.kind} "${s.producer.name}", which is not part of ${this.where()} (Argo can only reference siblings)`, where, "foreign-reference");
          }
          if ((scope === "steps") !== (s.producer.kind === "step")) {
            throw new ValidationError(`${where}: a ${s.producer.kind} cannot be referenced from a ${scope === "steps" ? "Steps" : "DAG"} template`, where, "reference-kind");
          }
          checkName_(s.producer.name, where);
        } else if (s.scope === "inputs") this.checkInputText(`{{${ref.path}}}`, where);
      },
      checkText: (text, where) => {
        for (const name of referencedNames(text, scope)) checkName_(name, where);
        const other = scope === "steps" ? "tasks" : "steps";
        const wrong = referencedNames(text, other);
        if (wrong.length) throw new ValidationError(`${where}: uses {{${other}.${wrong[0]}…}} inside a ${this.containerKind} template (use {{${scope}.…}})`, where, "reference-kind");
        this.checkInputText(text, where);
      },
    };
  }

  private checkInputText(text: string, where: string): void {
    for (const m of text.matchAll(/\{\{\s*inputs\.(parameters|artifacts)\.([A-Za-z0-9_-]+)/g)) {
      const rec: Record<string, unknown> = m[1] === "parameters" ? this.inputs.parameters : this.inputs.artifacts;
      if (!(m[2]! in rec)) {
        throw new ValidationError(`${where}: references inputs.${m[1]}.${m[2]}, which ${this.where()} does not declare`, where, "unknown-reference");
      }
    }
  }

  /** Outputs of Steps/DAG come from children (valueFromParameter / from / expressions). */
  protected buildIO(ctx: StepBuildContext): Pick<ArgoTemplate, "inputs" | "outputs"> {
    const where = this.where();
    for (const [name, p] of Object.entries(this.outputs.parameters as Record<string, OutputParameter>)) {
      const w = `${where} output parameter "${name}"`;
      if (p.valueFromParameter instanceof ParameterRef) ctx.checkRef(p.valueFromParameter, w);
      ctx.checkText(p.referenceText, w);
      if (p.valueFromParameter === undefined && p.valueFromExpression === undefined && p.value === undefined && p.valueFromPath === undefined) {
        throw new ValidationError(`${w}: set valueFromParameter (an inner step's output), valueFromExpression or value`, w, "output-source");
      }
    }
    for (const [name, a] of Object.entries(this.outputs.artifacts as Record<string, OutputArtifact>)) {
      const w = `${where} output artifact "${name}"`;
      if (a.from instanceof ArtifactRef) ctx.checkRef(a.from, w);
      ctx.checkText(a.referenceText, w);
      if (a.from === undefined && a.fromExpression === undefined) {
        throw new ValidationError(`${w}: set from (an inner step's output artifact; dflow's _from) or fromExpression`, w, "output-source");
      }
    }
    return this.io.build(`template "${this.name}"`, false);
  }

  protected common(): Partial<ArgoTemplate> {
    const t: Partial<ArgoTemplate> = {};
    if (this.parallelism !== undefined) t.parallelism = this.parallelism;
    t.metadata = { annotations: { "dflow-ts/op-kind": this.containerKind === "Steps" ? "steps" : "dag", ...(this.annotations ?? {}) } };
    return t;
  }
}

/** Every value nested in `v` (arrays, plain objects), for dependency inference. */
export function* walkValues(v: unknown, seen = new Set<unknown>()): Generator<unknown> {
  if (v === null || v === undefined) return;
  if (typeof v === "object") {
    if (seen.has(v)) return;
    seen.add(v);
  }
  yield v;
  if (isRef(v) || v instanceof InputParameter || v instanceof InputArtifact) return;
  if (Array.isArray(v)) for (const x of v) yield* walkValues(x, seen);
  else if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) yield* walkValues(x, seen);
  }
}
