/** A mistake in the workflow itself (bad manifest, bad arguments): shown to the user without a stack. */
export class WorkflowError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = "WorkflowError";
  }
}

/** A manifest that fails validation; `where` names the offending element, e.g. `templates.main.steps[1].b`. */
export class ValidationError extends WorkflowError {
  constructor(
    readonly where: string,
    readonly rule: string,
  ) {
    super(`invalid workflow: ${where}: ${rule}`);
    this.name = "ValidationError";
  }
}

/** A failure while running one node; becomes the node's message and phase (Error by default). */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly phase: "Failed" | "Error" = "Error",
  ) {
    super(message);
    this.name = "NodeError";
  }
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
