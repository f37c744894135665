/**
 * An error in what the user wrote (a bad name, a missing input, a cycle...). The CLI prints
 * its message without a stack trace; `element` names the offending object and `rule` the rule.
 */
export class DflowError extends Error {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly element?: string,
    readonly rule?: string,
  ) {
    super(message);
    this.name = "DflowError";
  }
}

export class NameError extends DflowError {
  override name = "NameError";
}

export class ValidationError extends DflowError {
  override name = "ValidationError";
}
