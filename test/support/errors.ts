import { expect } from 'vitest';
import { GlassboxError } from '../../src/errors.js';

/** The GlassboxError a call throws (sync or async); fails the test when it throws nothing or something else. */
export async function caughtGlassboxError(fn: () => unknown): Promise<GlassboxError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GlassboxError);
    return error as GlassboxError;
  }
  throw new Error('expected a GlassboxError');
}

/** Synchronous form of caughtGlassboxError. */
export function caughtGlassboxErrorSync(fn: () => unknown): GlassboxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GlassboxError);
    return error as GlassboxError;
  }
  throw new Error('expected a GlassboxError');
}
