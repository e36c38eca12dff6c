import { GlassboxError } from '../errors.js';

/**
 * Runs `work` with an AbortSignal that Ctrl-C (SIGINT) fires, so long passes stop between steps; an
 * interrupted run reports that it was cancelled and prints no partial result.
 */
export async function withInterrupt<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(abort.signal);
  } catch (error) {
    if (abort.signal.aborted) throw new GlassboxError('cancelled', `${what} was interrupted; nothing was printed.`);
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
