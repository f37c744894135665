// DispatcherExecutor: dflow's DPDispatcher plugin. Renders a script/container/function template
// into a function-kind script template whose source is the bundled dispatcher client carrying a
// job spec; at run time the client runs the original template as a batch job over SSH.
import { argoSafeNodeScript } from "../compile/node-source.ts";
import { createHash } from "node:crypto";
import type { Executor } from "../api/executor.ts";
import { ANNOTATION, DEFAULT_NODE_IMAGE } from "../argo/dflow-conventions.ts";
import type { EnvVar, Template } from "../argo/manifest.ts";
import { clientScript } from "./bundle-client.ts";
import { DISPATCH_ENV, type JobSpec, type OriginalTemplate } from "./job-spec.ts";
import type { DispatcherOptions, SchedulerKind } from "./options.ts";

const SCHEDULER_KINDS: readonly SchedulerKind[] = ["slurm", "sge", "pbs", "lsf", "shell"];

/** Annotations on rendered templates (besides dflow-ts/op-kind: function). */
export const DISPATCH_ANNOTATION = {
  executor: "dflow-ts/executor",
  /** The original template's op kind ("shell", "python", "function", …), if it had one. */
  originalOpKind: "dflow-ts/dispatched-op-kind",
} as const;

export class DispatcherExecutor implements Executor {
  readonly name: string;
  private readonly base: Omit<JobSpec, "template">;

  constructor(readonly options: DispatcherOptions) {
    const o = options;
    const problems: string[] = [];
    if (!o.host) problems.push("host is required");
    if (!o.username) problems.push("username is required");
    if (!SCHEDULER_KINDS.includes(o.scheduler)) problems.push(`scheduler must be one of ${SCHEDULER_KINDS.join(", ")}, got ${JSON.stringify(o.scheduler)}`);
    if (!(o.remoteRoot?.startsWith("/") || o.remoteRoot === "~" || o.remoteRoot?.startsWith("~/")))
      problems.push(`remoteRoot must be an absolute path or one under the remote home ("~/…"), got ${JSON.stringify(o.remoteRoot)}`);
    if (o.header !== undefined && typeof o.header !== "string") problems.push("header must be a string");
    if (o.port !== undefined && !(Number.isInteger(o.port) && o.port > 0 && o.port < 65536)) problems.push(`port must be a TCP port, got ${o.port}`);
    if (o.pollInterval !== undefined && !(o.pollInterval > 0)) problems.push(`pollInterval must be a positive number of seconds, got ${o.pollInterval}`);
    if (o.name !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(o.name)) problems.push(`name must be lowercase letters, digits and "-", got ${JSON.stringify(o.name)}`);
    if (problems.length) throw new Error(`DispatcherExecutor: ${problems.join("; ")}`);
    this.base = {
      version: 1,
      connection: {
        host: o.host,
        port: o.port ?? 22,
        username: o.username,
        ...(o.privateKeyFile !== undefined && { privateKeyFile: o.privateKeyFile }),
        ...(o.passphrase !== undefined && { passphrase: o.passphrase }),
        ...(o.password !== undefined && { password: o.password }),
        ...(o.agent !== undefined && { agent: o.agent }),
        ...(o.knownHostsFile !== undefined && { knownHostsFile: o.knownHostsFile }),
        hostKeyChecking: o.hostKeyChecking ?? true,
        keepaliveInterval: o.machine?.keepaliveInterval ?? 15_000,
        readyTimeout: o.machine?.readyTimeout ?? 20_000,
      },
      scheduler: o.scheduler,
      ...(o.queueName !== undefined && { queueName: o.queueName }),
      resources: o.resources ?? {},
      ...(o.header?.trim() ? { header: o.header } : {}),
      task: o.task ?? {},
      machine: o.machine?.commandPrefix ? { commandPrefix: o.machine.commandPrefix } : {},
      remoteRoot: o.remoteRoot.replace(/\/+$/, "") || "/",
      pollInterval: o.pollInterval ?? 5,
    };
    this.name = o.name ?? `${o.scheduler}-${createHash("sha256").update(JSON.stringify(this.base)).digest("hex").slice(0, 6)}`;
  }

  /** Value of the dflow-ts/executor annotation on rendered templates. */
  protected get kindLabel(): string {
    return `dispatcher/${this.options.scheduler}`;
  }

  render(template: Template): Template {
    const c = template.script ?? template.container;
    if (!c) throw new Error(`DispatcherExecutor renders script, container and function templates; "${template.name}" is neither`);
    const annotations = template.metadata?.annotations ?? {};
    const isFunction = annotations[ANNOTATION.opKind] === "function";
    const original: OriginalTemplate = {
      name: template.name,
      kind: isFunction ? "function" : template.script ? "script" : "container",
      commandCount: c.command?.length ?? 0,
      argsCount: c.args?.length ?? 0,
      envNames: (c.env ?? []).map((e) => e.name),
      inputArtifacts: (template.inputs?.artifacts ?? []).filter((a) => a.path).map((a) => ({ name: a.name, path: a.path!, optional: a.optional ?? false })),
      outputParameters: (template.outputs?.parameters ?? [])
        .filter((p) => p.valueFrom?.path)
        .map((p) => ({ name: p.name, path: p.valueFrom!.path!, optional: p.valueFrom!.default !== undefined })),
      outputArtifacts: (template.outputs?.artifacts ?? []).filter((a) => a.path).map((a) => ({ name: a.name, path: a.path!, optional: a.optional ?? false })),
    };
    if (c.workingDir) original.workingDir = c.workingDir;
    if (isFunction) original.functionSource = template.script!.source;

    // Whatever Argo or the engine substitutes travels in env values (see job-spec.ts).
    const env: EnvVar[] = [...(c.env ?? [])];
    (c.command ?? []).forEach((v, i) => env.push({ name: DISPATCH_ENV.command(i), value: v }));
    (c.args ?? []).forEach((v, i) => env.push({ name: DISPATCH_ENV.arg(i), value: v }));
    if (template.script && !isFunction) env.push({ name: DISPATCH_ENV.source, value: template.script.source });
    env.push({ name: DISPATCH_ENV.workflow, value: "{{workflow.name}}" }, { name: DISPATCH_ENV.step, value: "{{pod.name}}" });

    const { source, hash } = clientScript({ ...this.base, template: original });
    const { container: _container, script: _script, metadata, ...rest } = template;
    const rendered: Template = {
      ...rest,
      metadata: {
        ...metadata,
        annotations: {
          ...annotations,
          [ANNOTATION.opKind]: "function",
          [ANNOTATION.bundleHash]: hash,
          [DISPATCH_ANNOTATION.executor]: this.kindLabel,
          ...(annotations[ANNOTATION.opKind] && { [DISPATCH_ANNOTATION.originalOpKind]: annotations[ANNOTATION.opKind] }),
        },
      },
      script: { image: DEFAULT_NODE_IMAGE, command: ["node"], source: argoSafeNodeScript(source, `dflow-ts ${this.kindLabel} client (sha256 ${hash})`), env },
    };
    return rendered;
  }
}
