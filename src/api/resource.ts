// Steps completed by a Kubernetes resource (dflow §3.1.17): Argo's resource template. Two ways in,
// as in dflow: a template of its own (ResourceOPTemplate: action, manifest, conditions, outputs
// read from the resource), and `new Step({ useResource })`, where a Resource object turns the
// step's script/container template into a manifest (dflow's `use_resource`, e.g. SlurmJob).
// Argo runs them (kubectl in the step's pod); the local engine cannot, and says so before anything
// runs (src/engine/validate.ts).
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { Template as ArgoTemplate, ResourceTemplate } from "../argo/manifest.ts";
import { ANNOTATION } from "../argo/dflow-conventions.ts";
import { ValidationError } from "./errors.ts";
import { inlineShippedBundle } from "../compile/bundle-artifact.ts";
import type { InputArtifacts, OutputArtifacts, OutputParameters } from "./io.ts";
import { checkName } from "./names.ts";
import { buildPodFields, type ContainerOptions, DeclaredIOTemplate } from "./script-template.ts";

export type ResourceAction = ResourceTemplate["action"];
const ACTIONS: readonly ResourceAction[] = ["get", "create", "apply", "delete", "replace", "patch"];

/** A manifest: the Kubernetes object (written as YAML) or its YAML/JSON text. */
export type ResourceManifest = string | Record<string, unknown>;

/** The fields of Argo's resource template besides the manifest. */
export interface ResourceFields {
  /** get, create, apply, delete, replace, patch (kubectl's verbs). */
  action: ResourceAction;
  /**
   * When the step succeeds, as Argo evaluates it on the resource: label-selector syntax over its
   * fields, e.g. `status.succeeded > 0`. Unset: as soon as the action is done.
   */
  successCondition?: string;
  /** When the step fails, e.g. `status.failed > 3`. */
  failureCondition?: string;
  /** Makes the workflow the owner of the resource (deleted with the workflow). */
  setOwnerReference?: boolean;
  /** Patch merge strategy (action patch). */
  mergeStrategy?: "strategic" | "merge" | "json";
  /** Extra kubectl flags, e.g. `["--validate=false"]`. */
  flags?: string[];
}

/** Manifest text: objects become YAML (block literals for multi-line strings). */
export function manifestText(m: ResourceManifest, where: string): string {
  if (typeof m === "string") {
    if (!m.trim()) throw new ValidationError(`${where}: manifest is empty`, where, "resource-manifest");
    return m;
  }
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new ValidationError(`${where}: manifest must be a Kubernetes object or its YAML text`, where, "resource-manifest");
  return stringify(m, { lineWidth: 0, blockQuote: "literal", aliasDuplicateObjects: false });
}

/** Argo's resource field, checked. */
export function resourceField(f: ResourceFields, manifest: string, where: string): ResourceTemplate {
  if (!ACTIONS.includes(f.action)) throw new ValidationError(`${where}: action must be one of ${ACTIONS.join(", ")}, got ${JSON.stringify(f.action)}`, where, "resource-action");
  if (f.flags !== undefined && !(Array.isArray(f.flags) && f.flags.every((x) => typeof x === "string"))) throw new ValidationError(`${where}: flags must be a list of strings`, where, "resource-flags");
  const r: ResourceTemplate = { action: f.action, manifest };
  if (f.successCondition !== undefined) r.successCondition = f.successCondition;
  if (f.failureCondition !== undefined) r.failureCondition = f.failureCondition;
  if (f.setOwnerReference !== undefined) r.setOwnerReference = f.setOwnerReference;
  if (f.mergeStrategy !== undefined) r.mergeStrategy = f.mergeStrategy;
  if (f.flags?.length) r.flags = [...f.flags];
  return r;
}

/** `{{inputs.parameters.x}}` in `text` must name a declared input parameter. */
function checkInputRefs(text: string, declared: ReadonlySet<string>, where: string): void {
  for (const m of text.matchAll(/\{\{\s*inputs\.(parameters|artifacts)\.([A-Za-z0-9_-]+)/g)) {
    if (m[1] === "artifacts") throw new ValidationError(`${where}: references inputs.artifacts.${m[2]}: a resource template has no input artifacts`, where, "unknown-reference");
    if (!declared.has(m[2]!)) throw new ValidationError(`${where}: references inputs.parameters.${m[2]}, which the template does not declare`, where, "unknown-reference");
  }
}

export interface ResourceOPTemplateOptions<IP, OP> extends ResourceFields, Pick<ContainerOptions, "annotations" | "labels" | "retries" | "timeout"> {
  name: string;
  /**
   * The Kubernetes object, or its YAML/JSON text. Argo substitutes `{{inputs.parameters.x}}` (and
   * `{{workflow.name}}`…) in the text before applying it. An object is written as YAML, where such
   * a placeholder is a quoted string: for a number or a boolean field, give the manifest as text.
   */
  manifest: ResourceManifest;
  inputs?: { parameters?: IP };
  /** Output parameters read from the resource: `valueFromJsonPath` or `valueFromJqFilter` (or a `value`). */
  outputs?: { parameters?: OP };
}

/**
 * A step completed by a Kubernetes resource (Argo's resource template; dflow §3.1.17): the
 * manifest is applied with `action`, then the resource is watched until `successCondition` or
 * `failureCondition` holds. Its outputs are parameters read from the resource.
 *
 * ```ts
 * const job = new ResourceOPTemplate({
 *   name: "pi-job", action: "create",
 *   manifest: `apiVersion: batch/v1\nkind: Job\n…\n        args: ["{{inputs.parameters.digits}}"]`,
 *   successCondition: "status.succeeded > 0", failureCondition: "status.failed > 3",
 *   inputs: { parameters: { digits: new InputParameter<number>() } },
 *   outputs: { parameters: { job: new OutputParameter<string>({ valueFromJsonPath: "{.metadata.name}" }) } },
 * });
 * ```
 */
export class ResourceOPTemplate<IP = {}, OP = {}> extends DeclaredIOTemplate<IP, {}, OP, {}> {
  readonly templateKind: "resource" = "resource";
  name: string;
  readonly options: ResourceOPTemplateOptions<IP, OP>;

  constructor(options: ResourceOPTemplateOptions<IP, OP>) {
    super(options);
    this.name = checkName("template", options.name);
    this.options = options;
    const where = `template "${options.name}"`;
    resourceField(options, manifestText(options.manifest, where), where);
    this.checkIO(where);
  }

  private checkIO(where: string): void {
    const ia = Object.keys(this.inputs.artifacts as InputArtifacts);
    if (ia.length) throw new ValidationError(`${where}: a resource template takes no input artifacts (got ${ia.join(", ")}); pass their content as parameters`, where, "resource-io");
    const oa = Object.keys(this.outputs.artifacts as OutputArtifacts);
    if (oa.length) throw new ValidationError(`${where}: a resource template has no output artifacts (got ${oa.join(", ")}); read fields of the resource with output parameters`, where, "resource-io");
    for (const [name, p] of Object.entries(this.outputs.parameters as OutputParameters)) {
      if (p.valueFromPath !== undefined || p.valueFromParameter !== undefined || p.valueFromExpression !== undefined || (p.valueFromJsonPath === undefined && p.valueFromJqFilter === undefined && p.value === undefined)) {
        throw new ValidationError(`${where}: output parameter "${name}" needs valueFromJsonPath or valueFromJqFilter (it is read from the resource; there are no files)`, `${where}.outputs.parameters.${name}`, "output-source");
      }
      if (p.valueFromJsonPath !== undefined && p.valueFromJqFilter !== undefined) {
        throw new ValidationError(`${where}: output parameter "${name}": give valueFromJsonPath or valueFromJqFilter, not both`, `${where}.outputs.parameters.${name}`, "output-source");
      }
    }
  }

  build(): ArgoTemplate {
    const where = `template "${this.name}"`;
    this.checkIO(where);
    const manifest = manifestText(this.options.manifest, where);
    checkInputRefs(manifest, new Set(Object.keys(this.inputs.parameters as object)), where);
    return {
      name: this.name,
      ...buildPodFields(this.options, "resource", this.name),
      ...this.io.build(where, false),
      resource: resourceField(this.options, manifest, where),
    };
  }
}

/**
 * dflow's Resource (§3.1.17): completes a step with a Kubernetes resource built from the step's
 * own script/container template, `new Step({ ..., useResource })`. Subclasses give the action,
 * the conditions and `getManifest(template)`; the template they get is the compiled (plain Argo)
 * template of the step, after its executor if it has one. See SlurmJob for an example.
 */
export abstract class Resource implements ResourceFields {
  abstract readonly action: ResourceAction;
  successCondition?: string;
  failureCondition?: string;
  setOwnerReference?: boolean;
  mergeStrategy?: "strategic" | "merge" | "json";
  flags?: string[];

  /** The manifest for this template. Argo substitutes `{{…}}` in it when the step runs. */
  abstract getManifest(template: ArgoTemplate): ResourceManifest;

  /**
   * Suffix of the step's variant template (`<template>-<name>`): by default the class name and a
   * hash of the object's fields, so that two different resources never share a template.
   */
  get name(): string {
    const kind = this.constructor.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "resource";
    const fields = JSON.stringify(this, (_k, v: unknown) => (typeof v === "function" ? undefined : v));
    return `${kind}-${createHash("sha256").update(fields).digest("hex").slice(0, 6)}`;
  }
}

/**
 * The resource template a step with `useResource` calls: the step's template (script, container or
 * function) with its pod replaced by the resource. Its inputs must be parameters only and it must
 * have no outputs: nothing carries files into or out of a resource.
 */
export function renderWithResource(template: ArgoTemplate, resource: Resource, step: string, templateName = template.name): ArgoTemplate {
  const where = `step "${step}" (useResource)`;
  // A resource gets the script text alone: a function OP's bundle goes back into it.
  const t = inlineShippedBundle(template);
  if (!t.script && !t.container) throw new ValidationError(`${where}: useResource applies to script, container and function templates; "${templateName}" is neither`, step, "use-resource");
  const artifacts = (t.inputs?.artifacts ?? []).map((a) => a.name);
  if (artifacts.length) {
    throw new ValidationError(`${where}: template "${templateName}" has input artifacts (${artifacts.join(", ")}), which a Kubernetes resource cannot receive; pass parameters, or use an executor that moves files (e.g. SlurmJobTemplate)`, step, "use-resource");
  }
  const outputs = [...(t.outputs?.parameters ?? []), ...(t.outputs?.artifacts ?? [])].map((o) => o.name);
  if (outputs.length) {
    throw new ValidationError(`${where}: template "${templateName}" has outputs (${outputs.join(", ")}), which a Kubernetes resource cannot give back (no files); use an executor that moves files (e.g. SlurmJobTemplate)`, step, "use-resource");
  }
  const manifest = manifestText(resource.getManifest(structuredClone(t)), where);
  const { script: _s, container: _c, volumes: _v, metadata, ...rest } = t;
  return {
    ...rest,
    metadata: { ...metadata, annotations: { ...metadata?.annotations, [ANNOTATION.opKind]: "resource" } },
    resource: resourceField(resource, manifest, where),
  };
}
