import { existsSync } from "node:fs";
import path from "node:path";
import type { NodePhase, NodeType, Workflow as ArgoWorkflow, WorkflowPhase } from "../argo/manifest.ts";
import { readWorkflowRecord, startWorkflow } from "../engine/index.ts";
import type { EngineEvent, LocalRun, StepRecord, WorkflowRecord } from "../engine/types.ts";
import { type ArgoBackend, type ArgoBackendOptions, argoBackendFromEnv } from "../argo/client/index.ts";
import { configuredRepository, defaultLocalStorageRoot, s3Config, storageFromConfig } from "../storage/config.ts";
import { uploadBundles } from "./bundle-upload.ts";
import { config } from "./config.ts";
import { StepInfo } from "./step-info.ts";
import { ENV, REUSE_ANNOTATION } from "../argo/dflow-conventions.ts";
import { applyReuse } from "../compile/reuse.ts";
import { argoReuseTable, localReusedStep, reusableSteps } from "./reuse.ts";
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
  /** Record root of the run to reattach to (default config.root). */
  root?: string;
  /** Where this workflow runs (default config.mode). */
  mode?: "local" | "argo";
  /** Argo server settings (default: config.argo, then ARGO_SERVER, ARGO_TOKEN...). */
  argo?: ArgoBackendOptions;
}

export interface SubmitOptions {
  mode?: "local" | "argo";
  /**
   * Steps of earlier runs (from queryStep) to reuse: a step whose key matches is not run and takes
   * their outputs (change them first with modifyOutputParameter/modifyOutputArtifact). On Argo the
   * reused artifacts must be in the S3 artifact repository (s3:// locators, as Argo runs give).
   */
  reuseStep?: StepInfo[];
  /** Argo server settings for this submission. */
  argo?: ArgoBackendOptions;
  /** Record root (local runs). */
  root?: string;
  parallelism?: number;
  /** Seconds before the whole run is stopped. */
  timeout?: number;
  /** Keep the run's artifacts in its record (default) or in the artifact repository (S3). */
  artifacts?: "record" | "repository";
  /** Overrides of workflow parameters. */
  parameters?: Record<string, unknown>;
  onEvent?: (e: EngineEvent) => void;
}

export interface StepQuery {
  name?: string | RegExp | (string | RegExp)[];
  key?: string | string[];
  phase?: NodePhase | NodePhase[];
  id?: string | string[];
  type?: NodeType | NodeType[];
}

const GROUP_TYPES = new Set<NodeType>(["StepGroup", "TaskGroup"]);

export function queryRecords(steps: StepRecord[], q: StepQuery): StepRecord[] {
  const list = <T>(x: T | T[] | undefined): T[] | undefined => (x === undefined ? undefined : Array.isArray(x) ? x : [x]);
  const names = list(q.name);
  const keys = list(q.key);
  const phases = list(q.phase);
  const ids = list(q.id);
  const types = list(q.type);
  return steps
    .filter((s) => (types ? types.includes(s.type) : !GROUP_TYPES.has(s.type) && s.parentId !== undefined))
    .filter((s) => !names || names.some((n) => (typeof n === "string" ? s.name === n || s.name.replace(/\(\d+:.*\)$/, "") === n : new RegExp(`^(?:${n.source})$`, n.flags).test(s.name))))
    .filter((s) => !keys || (s.key !== undefined && keys.includes(s.key)))
    .filter((s) => !phases || phases.includes(s.phase))
    .filter((s) => !ids || ids.includes(s.id))
    .sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
}

/** A workflow: an entrypoint template plus workflow-level settings. */
export class Workflow<P extends Record<string, unknown> = {}> {
  readonly name: string;
  readonly entrypoint: Steps<any, any, any, any> | DAG<any, any, any, any>;
  readonly options: WorkflowOptions<P>;
  readonly inputs: { parameters: { readonly [K in keyof P]: ParameterRef<P[K]> } };
  id?: string;
  private run?: LocalRun;
  private root?: string;
  private backend?: ArgoBackend;
  private onEvent?: (e: EngineEvent) => void;

  constructor(options: WorkflowOptions<P> = {}) {
    this.options = options;
    this.name = checkName("workflow", options.name ?? (options.id ? options.id.replace(/-[a-z0-9]{5}$/, "") : "workflow"));
    if (options.steps && options.dag) throw new ValidationError("Workflow: give steps or dag, not both", this.name, "entrypoint");
    this.entrypoint = options.steps ?? options.dag ?? new Steps({ name: this.name });
    if (options.id) this.id = options.id;
    if (options.root) this.root = options.root;
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

  /**
   * Runs the workflow: on the local engine unless `config.mode` (or `options.mode`) is "argo".
   * Returns once it has started; `wait()` waits for the end. What runs is the compiled manifest.
   * Each submission is a new run with a new id (the object then follows that run).
   */
  async submit(options: SubmitOptions = {}): Promise<this> {
    this.assertNotInStep();
    if (process.env.DFLOW_COMPILE_ONLY) return this;
    const mode = options.mode ?? this.options.mode ?? config.mode;
    // Local runs keep every bundle inline: no object-size limit applies, and the record's
    // workflow.json then holds all a resume needs, whatever becomes of the repository.
    let manifest = this.compile(mode === "argo" ? {} : { inlineBundleLimit: Infinity });
    if (options.reuseStep?.length) {
      const reused = reusableSteps(options.reuseStep);
      if (mode === "argo") manifest = applyReuse(manifest, argoReuseTable(reused));
      else (manifest.metadata.annotations ??= {})[REUSE_ANNOTATION] = JSON.stringify(reused.map(localReusedStep));
    }
    const parameters = options.parameters ? Object.fromEntries(Object.entries(options.parameters).map(([k, v]) => [k, encodeParam(v)])) : undefined;
    if (options.onEvent) this.onEvent = options.onEvent;
    if (mode === "argo") {
      const backend = this.argoBackend(options.argo);
      await uploadBundles(manifest, configuredRepository(s3Config));
      const submitted = await backend.submit(manifest, { ...(parameters ? { parameters } : {}) });
      this.id = submitted.name;
      return this;
    }
    const root = path.resolve(options.root ?? this.root ?? config.root);
    const parallelism = options.parallelism ?? config.parallelism;
    const run = startWorkflow(manifest, {
      root,
      ...(parallelism ? { parallelism } : {}),
      ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(parameters ? { parameters } : {}),
      // The repository uploadArtifact wrote to (its default follows config.root, not the record root).
      repository: storageFromConfig(s3Config, defaultLocalStorageRoot(config.root)),
      artifacts: options.artifacts ?? config.artifacts,
      archive: config.archiveMode,
    });
    this.id = run.id;
    this.run = run;
    this.root = root;
    return this;
  }

  /** Waits until the run ends; resolves to its phase (never throws for a failed run). */
  async wait(): Promise<WorkflowPhase> {
    if (this.run) return (await this.run.done).phase;
    if (this.isArgo()) return (await this.argoBackend().wait(this.requireId(), this.onEvent ? { onEvent: this.onEvent } : {})).phase;
    for (;;) {
      const phase = await this.queryStatus();
      if (phase !== "Running" && phase !== "Pending" && phase !== "") return phase;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** "Pending" | "Running" | "Succeeded" | "Failed" | "Error". */
  async queryStatus(): Promise<WorkflowPhase> {
    return (await this.record()).phase;
  }

  /**
   * Steps of the run, filtered like dflow's query_step: `name` (exact display name, the name
   * without its loop suffix, or a RegExp), `key`, `phase`, `id`, `type` (default: steps, not
   * step/task groups). Sorted by start time.
   */
  async queryStep(filter: StepQuery = {}): Promise<StepInfo[]> {
    return queryRecords((await this.record()).steps, filter).map((r) => new StepInfo(r));
  }

  /** Stops the run: running steps are killed and marked, the workflow Fails. */
  async terminate(): Promise<void> {
    if (this.run) return this.run.terminate();
    if (this.isArgo()) return this.argoBackend().terminate(this.requireId());
    throw new DflowError(`workflow ${this.id ?? this.name} is not running in this process; stop its engine (Ctrl-C) to terminate it`, this.name, "terminate");
  }

  /** The record of the run, live or finished: the local one on disk, or Argo's status. */
  async record(): Promise<WorkflowRecord> {
    const id = this.requireId();
    if (this.isArgo()) return this.argoBackend().record(id);
    const dir = this.run?.dir ?? path.resolve(this.root ?? config.root, id);
    if (!existsSync(dir)) throw new DflowError(`no record of workflow ${id} in ${path.dirname(dir)} (set config.root or DFLOW_ROOT)`, id, "no-record");
    return readWorkflowRecord(dir);
  }

  private requireId(): string {
    if (!this.id) throw new DflowError(`workflow "${this.name}" has not been submitted (or give its id: new Workflow({ id }))`, this.name, "not-submitted");
    return this.id;
  }

  private isArgo(): boolean {
    return !this.run && (this.backend !== undefined || (this.options.mode ?? config.mode) === "argo");
  }

  private argoBackend(options?: ArgoBackendOptions): ArgoBackend {
    this.backend ??= argoBackendFromEnv({ ...config.argo, ...(this.options.argo ?? {}), ...(options ?? {}) });
    return this.backend;
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
