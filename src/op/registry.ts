import type { OpDefinition } from "./definition.ts";

// OPs seen while a module is evaluated, so that the runner inside a step can find an OP its
// module did not export. Only the runner reads it; a process runs one OP's module at a time.
const seen = new Map<string, OpDefinition<any, any>>();

export function noteOp(def: OpDefinition<any, any>): void {
  seen.set(def.name, def);
}

export function seenOp(name: string): OpDefinition<any, any> | undefined {
  return seen.get(name);
}
