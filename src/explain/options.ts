import { z } from 'zod';
import { GlassboxError } from '../errors.js';

/** Parses factory options with zod once; bad options become one `invalid_argument` error naming the field. */
export function parseOptions<T extends z.ZodType>(method: string, schema: T, options: unknown): z.infer<T> {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') || '(options)';
    throw new GlassboxError('invalid_argument', `${method}: option ${path}: ${issue?.message ?? 'invalid'}`, {
      argument: path,
      hint: `See docs/explanations.md for the options of ${method}.`,
    });
  }
  return result.data;
}

export const seedSchema = z.number().int().min(0).max(0xffffffff).default(0);
