/** Row slots of the shared sample buffers: workers may draw up to DEPTH − 1 rows ahead of the main thread. */
export const DEPTH = 3;

/** Int32 cells of the shared control block; cell done + t is 1 once chunk task t is drawn. */
export const CTRL = { next: 0, consumed: 1, stop: 2, done: 3 } as const;

/**
 * One parallel sampling job: rows × SAMPLE_CHUNKS chunk tasks, task t = (row ⌊t / CHUNKS⌋, chunk t mod
 * CHUNKS), claimed in order through ctrl[next] by the workers and the main thread alike; row r is drawn
 * into slot r mod DEPTH of the shared `raw` (n × f float64 per slot) and `masks` (n × words int32 per slot).
 */
export interface SampleJob {
  readonly n: number;
  readonly f: number;
  readonly words: number;
  readonly nRows: number;
  readonly seed: number;
  /** Per row and feature, the plan index of x's value (explainedValues). */
  readonly x0k: Int32Array;
  /** The shared buffer set of the job; `shared` holds it the first time a worker is sent that set. */
  readonly bufferId: number;
  readonly shared?: SharedSampleBuffers;
}

export interface SharedSampleBuffers {
  readonly ctrl: SharedArrayBuffer;
  readonly raw: SharedArrayBuffer;
  readonly masks: SharedArrayBuffer;
}
