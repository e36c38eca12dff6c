import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { GlassboxError, isGlassboxError, type ErrorCode } from '../errors.js';

/** HTTP status of each error code: the one place the server maps them (the CLI maps them to exit codes). */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  invalid_input: 400,
  invalid_argument: 400,
  schema_mismatch: 400,
  shape_mismatch: 400,
  missing_capability: 422,
  unsupported_model: 422,
  not_converged: 422,
  model_error: 500,
  io_error: 500,
  timeout: 504,
  cancelled: 503,
  internal: 500,
};

/** The JSON body of every error response: the code, the message the CLI would print, and the hint. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode | 'not_found' | 'payload_too_large' | 'unauthorized' | 'forbidden'; readonly message: string; readonly hint?: string; readonly details?: Readonly<Record<string, unknown>> };
}

/** Hono's onError: GlassboxError → its status and message; anything else → 500 without internals. */
export function handleError(error: unknown, c: Context): Response {
  if (isGlassboxError(error)) {
    const { hint, ...details } = error.details;
    const body: ErrorBody = { error: { code: error.code, message: error.message, ...(hint ? { hint } : {}), ...(Object.keys(details).length > 0 ? { details } : {}) } };
    return c.json(body, STATUS_OF_CODE[error.code]);
  }
  const status = (error as { status?: unknown }).status;
  if (status === 413) return c.json(errorBody('payload_too_large', 'The request body is too large.'), 413);
  return c.json(errorBody('internal', error instanceof Error ? `Internal error: ${error.message}` : 'Internal error.'), 500);
}

export function errorBody(code: ErrorBody['error']['code'], message: string, hint?: string): ErrorBody {
  return { error: { code, message, ...(hint ? { hint } : {}) } };
}

/** Parses a request's JSON body; malformed JSON is a 400 naming the route. */
export async function readJson(c: Context, route: string): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new GlassboxError('invalid_input', `${route}: the request body is empty; send a JSON object.`, { argument: 'body', hint: 'Send Content-Type: application/json with a JSON object body.' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GlassboxError('invalid_input', `${route}: the request body is not valid JSON (${(error as Error).message}).`, { argument: 'body', hint: 'Send a JSON object, e.g. {"rows": [{"age": 30}]}.' });
  }
}

/** Validates a body or query with zod; the first issue becomes one `invalid_argument` error naming its path. */
export function parseWith<T extends z.ZodType>(route: string, schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  throw new GlassboxError('invalid_argument', `${route}: ${path ? `${path.replace(/^\./, '')}: ` : ''}${issue?.message ?? 'invalid request'}`, { argument: path.replace(/^\./, '') || 'body' });
}
