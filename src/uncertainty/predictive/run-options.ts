/** Cancellation and progress for work made of passes (ensemble members, MC-dropout passes, posterior draws). */
export interface PassOptions {
  readonly signal?: AbortSignal;
  /** Called after each pass with (passes done, total passes). */
  readonly onProgress?: (done: number, total: number) => void;
}
