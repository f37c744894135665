import type { Template } from "../argo/manifest.ts";

/** What an executor may do besides returning the rendered template. */
export interface RenderContext {
  /**
   * Adds a helper template to the workflow (once per name) and returns its name, e.g. the
   * prepare/collect steps of a template that the executor renders into a Steps template.
   * A name already used by another template is an error.
   */
  addTemplate(name: string, make: () => Template): string;
}

/**
 * dflow's extension point (§3.1.14): turns a pod template (script/container) into another one,
 * e.g. a script that submits the original one to Slurm. Rendering happens at compile time, so
 * the result is plain manifest content that runs the same everywhere. The result may also be a
 * Steps template calling helper templates added through `ctx` (dflow's SlurmJobTemplate does so).
 */
export interface Executor {
  /** A short stable name, used to name the rendered template (`<template>-<name>`). */
  readonly name: string;
  render(template: Template, ctx?: RenderContext): Template;
}
