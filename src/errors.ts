/** Every failure glassbox reports has one of these codes; the CLI and server map them to exit codes and statuses. */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_argument'
  | 'schema_mismatch'
  | 'shape_mismatch'
  | 'missing_capability'
  | 'unsupported_model'
  | 'not_converged'
  | 'model_error'
  | 'io_error'
  | 'timeout'
  | 'cancelled'
  | 'internal';

/** Structured context for an error: the file, column, row, argument or node it concerns. */
export interface ErrorDetails {
  readonly file?: string;
  readonly column?: string;
  readonly row?: number;
  readonly argument?: string;
  readonly count?: number;
  readonly hint?: string;
  readonly [key: string]: unknown;
}

/**
 * The one error type glassbox throws on purpose. `message` says what is wrong and names the culprit;
 * `details.hint` says how to fix it.
 */
export class GlassboxError extends Error {
  override readonly name = 'GlassboxError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isGlassboxError(error: unknown): error is GlassboxError {
  return error instanceof GlassboxError;
}

/** Formats any thrown value for a human: code, message and hint on separate lines. */
export function formatError(error: unknown): string {
  if (isGlassboxError(error)) {
    const hint = error.details.hint ? `\n  hint: ${error.details.hint}` : '';
    return `error[${error.code}]: ${error.message}${hint}`;
  }
  if (error instanceof Error) return `error[internal]: ${error.message}`;
  return `error[internal]: ${String(error)}`;
}

/** Throws `cancelled` when the signal has fired; call it between units of long work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new GlassboxError('cancelled', 'The operation was cancelled before it finished; no partial result is returned.');
  }
}
