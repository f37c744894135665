import type { Template as ArgoTemplate } from "../argo/manifest.ts";
import type { ArtifactShape } from "../op/artifact.ts";
import type { StandardSchemaV1 } from "../op/standard-schema.ts";

/**
 * Phantom description of a template's inputs and outputs, so that Steps built from it are typed.
 * Untyped templates use `any` everywhere: they wire to anything.
 */
export interface IOTypes {
  inParams: Record<string, any>;
  /** Union of the parameter names a step must pass. */
  required: string;
  inArts: Record<string, any>;
  outParams: Record<string, any>;
  outArts: Record<string, any>;
}

export interface AnyIO extends IOTypes {
  inParams: Record<string, any>;
  required: never;
  inArts: Record<string, any>;
  outParams: Record<string, any>;
  outArts: Record<string, any>;
}

export interface InputDescription {
  /** `sliced`: each parallel step takes one element, so a step passes a list of such values. */
  parameters: { name: string; required: boolean; schema?: StandardSchemaV1; sliced?: boolean }[];
  artifacts: { name: string; optional: boolean; shape?: ArtifactShape }[];
}
export interface OutputDescription {
  parameters: string[];
  artifacts: string[];
}

/** Resolves what a template refers to while the compiler builds it. */
export interface BuildContext {
  /** The (unique) manifest name given to a template object. */
  nameOf(t: AnyTemplate): string;
  /** The name a step calls: its template's, or a variant's (step-level timeout, executor...). */
  stepTemplateName(step: { readonly template: AnyTemplate; readonly name: string }): string;
  /** Function OPs: put the bundle in the manifest, or a placeholder (golden files, dry runs). */
  readonly bundle: "inline" | "omit";
  /** Adds a generated template (e.g. a sliced loop's init step) once per name; returns the name. */
  addTemplate(name: string, make: () => ArgoTemplate): string;
}

/** A template: anything a Step/Task can instantiate (script OPs, function OPs, Steps, DAG). */
export abstract class OPTemplate<IO extends IOTypes = AnyIO> {
  declare readonly __io?: IO;
  abstract readonly templateKind: "script" | "container" | "function" | "resource" | "steps" | "dag";
  abstract name: string;
  abstract describeInputs(): InputDescription;
  abstract describeOutputs(): OutputDescription;
  /** Templates this one calls (for Steps/DAG), to be compiled alongside it. */
  children(): OPTemplate<any>[] {
    return [];
  }
  abstract build(ctx: BuildContext): ArgoTemplate;
}

export type AnyTemplate = OPTemplate<any>;
