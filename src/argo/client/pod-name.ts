// The pod that runs a node, as Argo names it (workflow/util/pod_name.go): v2 names (the default
// since Argo 3.4) are `<workflow>-<template>-<fnv32a(node name)>`, v1 names are the node id.
import type { ServerNodeStatus, ServerWorkflow } from "./types.ts";

export const POD_NAME_FORMAT_ANNOTATION = "workflows.argoproj.io/pod-name-format";
const MAX_PREFIX = 253 - 10 - 1;

export function podName(wf: ServerWorkflow, node: Pick<ServerNodeStatus, "id" | "name" | "templateName" | "templateRef">): string {
  const wfName = wf.metadata.name ?? "";
  const template = node.templateName || node.templateRef?.template || "";
  if (wf.metadata.annotations?.[POD_NAME_FORMAT_ANNOTATION] === "v1" || template === "") return node.id;
  if (node.name === wfName) return wfName;
  const prefix = node.name.includes(".inline") ? wfName : `${wfName}-${template}`;
  return `${prefix.slice(0, MAX_PREFIX)}-${fnv32a(node.name)}`;
}

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
