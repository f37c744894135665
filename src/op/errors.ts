/** Thrown by an OP for a failure worth retrying (retryOnTransientError). */
export class TransientError extends Error {
  override name = "TransientError";
}

/** Thrown by an OP for a failure that no retry can fix: the step fails at once. */
export class FatalError extends Error {
  override name = "FatalError";
}
