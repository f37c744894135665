import type { Template as ArgoTemplate } from "../argo/manifest.ts";
import { ContainerTemplate, type ContainerTemplateOptions, walkValues } from "./container.ts";
import { ValidationError } from "./errors.ts";
import { IfExpression } from "./if-expression.ts";
import { findCycle } from "../argo/graph.ts";
import { isRef, referencedNames } from "./refs.ts";
import type { StepBase, Task } from "./step.ts";
import type { BuildContext } from "./template.ts";
import { addDagChecks, needsSuccessCheck } from "../compile/success-check.ts";

/** A template made of tasks and their dependencies, explicit or inferred from the inputs they use. */
export class DAG<IP = {}, IA = {}, OP = {}, OA = {}> extends ContainerTemplate<IP, IA, OP, OA> {
  readonly templateKind: "dag" = "dag";
  readonly containerKind = "DAG" as const;
  readonly tasks: Task<any, any>[] = [];
  failFast?: boolean;

  constructor(opts: ContainerTemplateOptions<IP, IA, OP, OA> & { tasks?: Task<any, any>[]; failFast?: boolean }) {
    super(opts);
    if (opts.failFast !== undefined) this.failFast = opts.failFast;
    for (const t of opts.tasks ?? []) this.add(t);
  }

  add(task: Task<any, any> | Task<any, any>[]): this {
    for (const t of Array.isArray(task) ? task : [task]) {
      if (t?.kind !== "task") {
        throw new ValidationError(`${this.where()}: can only add Task objects${t?.kind === "step" ? " (a Step belongs in Steps)" : ""}`, this.name, "task-kind");
      }
      if (this.tasks.some((x) => x.name === t.name)) throw new ValidationError(`${this.where()}: duplicate task name "${t.name}"`, t.name, "unique-name");
      this.tasks.push(t);
    }
    return this;
  }

  allSteps(): StepBase<any, any>[] {
    return this.tasks;
  }

  /** Explicit dependencies plus every task whose outputs this task's inputs refer to. */
  dependenciesOf(task: Task<any, any>): string[] {
    const deps = new Set<string>();
    const where = `task "${task.name}"`;
    for (const d of task.dependencies) {
      const name = typeof d === "string" ? d : d.name;
      if (!this.tasks.some((t) => t.name === name && (typeof d === "string" || t === d))) {
        throw new ValidationError(`${where}: depends on "${name}", which is not a task of ${this.where()}`, task.name, "unknown-dependency");
      }
      deps.add(name);
    }
    for (const root of task.inputValues()) {
      for (const v of walkValues(root)) {
        if (isRef(v) && v.source.scope === "outputs" && v.source.producer.kind === "task") deps.add(v.source.producer.name);
        const text = typeof v === "string" ? v : v instanceof IfExpression ? v.text : typeof v === "object" && v !== null && !isRef(v) && "expr" in v ? String((v as { expr: unknown }).expr) : undefined;
        if (text !== undefined) for (const n of referencedNames(text, "tasks")) deps.add(n);
      }
    }
    if (deps.has(task.name)) throw new ValidationError(`${where}: depends on itself`, task.name, "cycle");
    return [...deps].sort();
  }

  build(ctx: BuildContext): ArgoTemplate {
    if (this.tasks.length === 0) throw new ValidationError(`${this.where()} has no tasks`, this.name, "empty");
    const deps = new Map(this.tasks.map((t) => [t.name, this.dependenciesOf(t)]));
    this.checkAcyclic(deps);
    const all = new Set<StepBase<any, any>>(this.tasks);
    const tasks = addDagChecks(
      this.tasks.flatMap((t) => {
        const tctx = this.stepContext(ctx, all, "tasks", t);
        const init = t.buildSliceInit(tctx);
        if (!init) return [t.build(tctx, deps.get(t.name)!)];
        // The init task reads what the sliced task reads, so it waits for the same tasks.
        const d = deps.get(t.name)!;
        return [{ ...init, ...(d.length ? { dependencies: d } : {}) }, t.build(tctx, [...d, init.name].sort())];
      }),
      new Map(this.tasks.filter(needsSuccessCheck).map((t) => [t.name, t])),
    );
    return {
      name: this.name,
      ...this.common(),
      ...this.buildIO(this.stepContext(ctx, all, "tasks")),
      dag: { tasks, ...(this.failFast !== undefined ? { failFast: this.failFast } : {}) },
    };
  }

  private checkAcyclic(deps: Map<string, string[]>): void {
    const cycle = findCycle(deps);
    if (cycle) throw new ValidationError(`${this.where()}: dependency cycle ${cycle.join(" -> ")}`, cycle[0], "cycle");
  }
}
