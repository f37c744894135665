import type { Template as ArgoTemplate } from "../argo/manifest.ts";
import { ContainerTemplate, type ContainerTemplateOptions } from "./container.ts";
import { ValidationError } from "./errors.ts";
import type { Step, StepBase } from "./step.ts";
import type { BuildContext } from "./template.ts";
import { CHECK_TEMPLATE, checkArguments, checkStepName, needsSuccessCheck } from "../compile/success-check.ts";

/**
 * A template made of steps: an array of groups, groups run one after another, the steps of a
 * group in parallel. `add(step)` appends a group of one, `add([a, b])` a parallel group.
 */
export class Steps<IP = {}, IA = {}, OP = {}, OA = {}> extends ContainerTemplate<IP, IA, OP, OA> {
  readonly templateKind: "steps" = "steps";
  readonly containerKind = "Steps" as const;
  readonly groups: Step<any, any>[][] = [];

  constructor(opts: ContainerTemplateOptions<IP, IA, OP, OA> & { steps?: (Step<any, any> | Step<any, any>[])[] }) {
    super(opts);
    for (const s of opts.steps ?? []) this.add(s);
  }

  add(step: Step<any, any> | Step<any, any>[]): this {
    const group = Array.isArray(step) ? [...step] : [step];
    if (group.length === 0) throw new ValidationError(`${this.where()}: cannot add an empty group of steps`, this.name, "empty-group");
    for (const s of group) {
      if (s?.kind !== "step") {
        throw new ValidationError(`${this.where()}: can only add Step objects${s?.kind === "task" ? " (a Task belongs in a DAG)" : ""}`, this.name, "step-kind");
      }
      if (this.allSteps().some((x) => x.name === s.name) || group.filter((x) => x.name === s.name).length > 1) {
        throw new ValidationError(`${this.where()}: duplicate step name "${s.name}"`, s.name, "unique-name");
      }
    }
    this.groups.push(group);
    return this;
  }

  allSteps(): StepBase<any, any>[] {
    return this.groups.flat();
  }

  build(ctx: BuildContext): ArgoTemplate {
    if (this.groups.length === 0) throw new ValidationError(`${this.where()} has no steps`, this.name, "empty");
    const before = new Set<StepBase<any, any>>();
    const groups = this.groups.flatMap((group) => {
      const sctx = this.stepContext(ctx, before, "steps");
      const inits = group.flatMap((s) => s.buildSliceInit(sctx) ?? []);
      const built = group.map((s) => s.build(sctx));
      for (const s of group) before.add(s);
      const checks = group
        .filter(needsSuccessCheck)
        .map((s) => ({ name: checkStepName(s.name), template: CHECK_TEMPLATE, arguments: checkArguments(s, `steps.${s.name}`) }));
      return [...(inits.length ? [inits] : []), built, ...(checks.length ? [checks] : [])];
    });
    return {
      name: this.name,
      ...this.common(),
      ...this.buildIO(this.stepContext(ctx, before, "steps")),
      steps: groups,
    };
  }
}
