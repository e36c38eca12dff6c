/** Row slots of the shared sample buffers: workers may draw up to DEPTH − 1 rows ahead of the main thread. */
export const DEPTH = 3;

/**
 * Int32 cells of a job's shared control block. Task t = (row ⌊t / SAMPLE_CHUNKS⌋, chunk t mod
 * SAMPLE_CHUNKS) is claimed in order through `next` by the workers and the main thread alike; cell
 * done + t is 1 once it is drawn; `consumed` counts the rows the main thread has finished with; `stop`
 * ends the workers' claims.
 */
export const CTRL = { next: 0, consumed: 1, stop: 2, done: 3 } as const;

/**
 * Int32 cells of a worker's command block: the main thread writes the job (plan and buffer ids, sizes,
 * seed) and bumps `gen`; the worker answers with `doneGen` = gen (and `error` = 1 if the job threw).
 */
export const CMD = { gen: 0, doneGen: 1, error: 2, planId: 3, bufferId: 4, n: 5, f: 6, words: 7, nRows: 8, seed: 9, size: 10 } as const;

/**
 * One set of shared buffers: the control block, and row r of a job drawn into slot r mod DEPTH of `raw`
 * (n × f float64 per slot) and `masks` (n × words int32 per slot); `x0k` holds, per row and feature, the
 * plan index of x's value (explainedValues).
 */
export interface SharedSampleBuffers {
  readonly ctrl: SharedArrayBuffer;
  readonly raw: SharedArrayBuffer;
  readonly masks: SharedArrayBuffer;
  readonly x0k: SharedArrayBuffer;
}
