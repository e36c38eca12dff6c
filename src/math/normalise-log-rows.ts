/** What normaliseLogRows returns besides the normalised rows. */
export interface LogRowSums {
  /** Σ_i log Σ_k exp(logp_ik): the log-likelihood when the rows are log joint densities. */
  readonly logNormaliser: number;
  /** Σ_ik r_ik log r_ik of the normalised rows (minus their entropy). */
  readonly negEntropy: number;
}

/**
 * Turns an [n, k] row-major matrix of log weights, in place, into rows of probabilities (a mixture's
 * responsibilities), with the log-sum-exp taken stably per row.
 */
export function normaliseLogRows(logp: Float64Array, n: number, k: number): LogRowSums {
  let logNormaliser = 0;
  let negEntropy = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logp[i * k + c]!);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(logp[i * k + c]! - max);
    const lse = max + Math.log(s);
    logNormaliser += lse;
    for (let c = 0; c < k; c++) {
      const logR = logp[i * k + c]! - lse;
      const r = Math.exp(logR);
      logp[i * k + c] = r;
      if (r > 0) negEntropy += r * logR;
    }
  }
  return { logNormaliser, negEntropy };
}
