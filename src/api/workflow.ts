import type { Workflow as ArgoWorkflow } from "../argo/manifest.ts";
import { ENV } from "../argo/dflow-conventions.ts";
import { type CompileOptions, compileWorkflow } from "../compile/compile.ts";
import { toJson, toYaml } from "../compile/yaml.ts";
import { encodeParam } from "../op/codec.ts";
import { DAG } from "./dag.ts";
import { DflowError, ValidationError } from "./errors.ts";
import type { Executor } from "./executor.ts";
import { checkName } from "./names.ts";
import { ParameterRef } from "./refs.ts";
import type { Step } from "./step.ts";
import { Steps } from "./steps.ts";
import type { AnyTemplate } from "./template.ts";

export interface WorkflowOptions<P extends Record<string, unknown> = {}> {
  /** Workflow name (the run id is the name plus a random suffix). */
  name?: string;
  /** The entrypoint, when it is a ready Steps (otherwise `add` builds one). */
  steps?: Steps<any, any, any, any>;
  /** The entrypoint, when it is a DAG. */
  dag?: DAG<any, any, any, any>;
  /** Workflow parameters, `{{workflow.parameters.x}}` (also `wf.inputs.parameters.x`). */
  parameters?: P;
  /** An executor applied to every script/container/function step (dflow's context). */
  context?: Executor;
  /** A template run when the workflow ends, whatever its phase (Argo onExit). */
  onExit?: AnyTemplate;
  parallelism?: number;
  /** Seconds before the whole workflow is stopped. */
  activeDeadlineSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Reattach to an existing run (no steps needed). */
  id?: string;
}

/** A workflow: an entrypoint template plus workflow-level settings. */
export class Workflow<P extends Record<string, unknown> = {}> {
  readonly name: string;
  readonly entrypoint: Steps<any, any, any, any> | DAG<any, any, any, any>;
  readonly options: WorkflowOptions<P>;
  readonly inputs: { parameters: { readonly [K in keyof P]: ParameterRef<P[K]> } };
  id?: string;

  constructor(options: WorkflowOptions<P> = {}) {
    this.options = options;
    this.name = checkName("workflow", options.name ?? (options.id ? options.id.replace(/-[a-z0-9]{5}$/, "") : "workflow"));
    if (options.steps && options.dag) throw new ValidationError("Workflow: give steps or dag, not both", this.name, "entrypoint");
    this.entrypoint = options.steps ?? options.dag ?? new Steps({ name: this.name });
    if (options.id) this.id = options.id;
    for (const n of Object.keys(options.parameters ?? {})) checkName("parameter", n, `workflow "${this.name}"`);
    const params = Object.fromEntries(
      Object.keys(options.parameters ?? {}).map((n) => [n, new ParameterRef({ scope: "workflow" }, n)]),
    );
    this.inputs = { parameters: params as never };
  }

  /** Appends a step (sequential) or a list of steps (parallel) to the entrypoint. */
  add(step: Step<any, any> | Step<any, any>[]): this {
    if (this.entrypoint instanceof DAG) throw new ValidationError(`workflow "${this.name}": its entrypoint is a DAG; add tasks to the DAG`, this.name, "entrypoint");
    this.entrypoint.add(step);
    return this;
  }

  /** The Argo Workflow manifest (plain JSON): the one thing every backend runs. */
  compile(options?: CompileOptions): ArgoWorkflow {
    return compileWorkflow(
      {
        name: this.name,
        entrypoint: this.entrypoint,
        ...(this.options.onExit ? { onExit: this.options.onExit } : {}),
        ...(this.options.parameters
          ? { parameters: Object.fromEntries(Object.entries(this.options.parameters).map(([k, v]) => [k, encodeParam(v)])) }
          : {}),
        ...(this.options.context ? { context: this.options.context } : {}),
        ...(this.options.parallelism !== undefined ? { parallelism: this.options.parallelism } : {}),
        ...(this.options.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: this.options.activeDeadlineSeconds } : {}),
        ...(this.options.labels ? { labels: this.options.labels } : {}),
        ...(this.options.annotations ? { annotations: this.options.annotations } : {}),
      },
      options,
    );
  }

  toYaml(options?: CompileOptions): string {
    return toYaml(this.compile(options));
  }

  toJson(options?: CompileOptions): string {
    return toJson(this.compile(options));
  }

  /** Guards against a workflow submitting itself from inside one of its own steps. */
  protected assertNotInStep(): void {
    if (process.env[ENV.inRunner]) {
      throw new DflowError(
        `workflow "${this.name}" was submitted while an OP's module was being loaded inside a step: define OPs in a module without top-level workflow code`,
        this.name,
        "submit-in-step",
      );
    }
  }
}
