/** Cancellation and progress for work made of passes (ensemble members, MC-dropout passes, posterior draws). */
export interface PassOptions {
  readonly signal?: AbortSignal;
  /** Called after each pass with (passes done, total passes). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Lets pending events run between passes. Engines that compute synchronously (TF.js `dataSync`) never
 * return to the event loop on their own, so without this a Ctrl-C (an abort fired from a signal
 * handler) would only be seen after the last pass.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
