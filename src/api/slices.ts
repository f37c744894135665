import { ValidationError } from "./errors.ts";

export interface SlicesOptions<IP extends string = string, IA extends string = string, OP extends string = string, OA extends string = string> {
  /** Which element each parallel step takes: an Argo expression, "{{item}}" by default. */
  slices?: string;
  inputParameter?: IP[];
  inputArtifact?: IA[];
  outputParameter?: OP[];
  outputArtifact?: OA[];
  /** Each slice writes its output artifacts under its own directory (avoids path clashes). */
  createDir?: boolean;
  /** Pass each parallel step only its own part of the input artifacts (they must be stored unarchived). */
  subPath?: boolean;
}

/**
 * dflow's Slices (§3.2.1): inputs that are lists are split among the parallel steps of a loop and
 * outputs are stacked back into lists in the same order. The OP itself handles one slice.
 */
export interface SliceKeys {
  ip: string;
  ia: string;
  op: string;
  oa: string;
}
export interface NoSlices extends SliceKeys {
  ip: never;
  ia: never;
  op: never;
  oa: never;
}

export class Slices<const IP extends string = never, const IA extends string = never, const OP extends string = never, const OA extends string = never> {
  /** The sliced names, for typing: sliced inputs take lists, sliced output artifacts stack into lists. */
  declare readonly __keys?: { ip: IP; ia: IA; op: OP; oa: OA };
  readonly slices: string;
  readonly inputParameter: string[];
  readonly inputArtifact: string[];
  readonly outputParameter: string[];
  readonly outputArtifact: string[];
  readonly createDir: boolean;
  readonly subPath: boolean;
  constructor(opts: SlicesOptions<IP, IA, OP, OA>) {
    this.slices = opts.slices ?? "{{item}}";
    this.inputParameter = opts.inputParameter ?? [];
    this.inputArtifact = opts.inputArtifact ?? [];
    this.outputParameter = opts.outputParameter ?? [];
    this.outputArtifact = opts.outputArtifact ?? [];
    this.createDir = !!opts.createDir;
    this.subPath = !!opts.subPath;
    if (this.inputParameter.length + this.inputArtifact.length + this.outputParameter.length + this.outputArtifact.length === 0) {
      throw new ValidationError("Slices: name at least one input or output to slice", "slices", "slices-empty");
    }
  }

  /** Checked against the OP's signature when the template is made. */
  check(op: string, inputs: { parameters: string[]; artifacts: string[] }, outputs: { parameters: string[]; artifacts: string[] }): void {
    const lists: [string[], string[], string][] = [
      [this.inputParameter, inputs.parameters, "input parameter"],
      [this.inputArtifact, inputs.artifacts, "input artifact"],
      [this.outputParameter, outputs.parameters, "output parameter"],
      [this.outputArtifact, outputs.artifacts, "output artifact"],
    ];
    for (const [names, declared, what] of lists) {
      for (const n of names) {
        if (!declared.includes(n)) {
          throw new ValidationError(`Slices of OP "${op}": ${what} "${n}" is not in the OP's signature (has: ${declared.join(", ") || "none"})`, n, "slices-unknown");
        }
      }
    }
  }

  toJSON() {
    // Not `slices`: it holds "{{item}}", which only has a meaning in the calling step.
    return {
      inputParameter: this.inputParameter,
      inputArtifact: this.inputArtifact,
      outputParameter: this.outputParameter,
      outputArtifact: this.outputArtifact,
      createDir: this.createDir,
      subPath: this.subPath,
    };
  }
}

export { SLICE_PARAMETER } from "../argo/dflow-conventions.ts";
