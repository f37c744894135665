import type { Template } from "../argo/manifest.ts";

/**
 * dflow's extension point (§3.1.14): turns a pod template (script/container) into another one,
 * e.g. a script that submits the original one to Slurm. Rendering happens at compile time, so
 * the result is plain manifest content that runs the same everywhere.
 */
export interface Executor {
  /** A short stable name, used to name the rendered template (`<template>-<name>`). */
  readonly name: string;
  render(template: Template): Template;
}
