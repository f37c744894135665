import { fileURLToPath } from "node:url";
import type { OpContext } from "./context.ts";
import { type RunInput, type RunOutput, type Sign, splitSign } from "./signature.ts";

/** An OP's definition: name, signatures, body and the module it lives in (to bundle it). */
export interface OpDefinition<I extends Sign = Sign, O extends Sign = Sign> {
  readonly name: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly run: (input: RunInput<I>, ctx: OpContext) => RunOutput<O> | Promise<RunOutput<O>>;
  /** Absolute path of the module that defines (and exports) the OP. */
  readonly module: string;
  /** Name of the export that holds it, if known (class OPs: the class name). */
  readonly exportName?: string;
}

/** The file of the first stack frame outside dflow-ts's own src/ folder: where defineOp was called. */
export function callerModule(): string | undefined {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  const here = fileURLToPath(new URL("..", import.meta.url));
  for (const line of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
    if (!m?.[1]) continue;
    const file = m[1].startsWith("file://") ? fileURLToPath(m[1]) : m[1];
    if (!file.startsWith(here)) return file;
  }
  return undefined;
}

export function checkSigns(name: string, inputs: Sign, outputs: Sign): void {
  splitSign(inputs, `OP "${name}" inputs`);
  splitSign(outputs, `OP "${name}" outputs`);
}
