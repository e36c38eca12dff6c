/**
 * OOD scores from a classifier's outputs, all oriented so that a higher score means "more likely out of
 * distribution":
 * - `msp`: 1 − max_c p_c (maximum softmax probability baseline; Hendrycks & Gimpel 2017);
 * - `max-logit`: −max_c z_c (Hendrycks et al. 2022, "Scaling OOD detection");
 * - `energy`: E(x) = −T log Σ_c exp(z_c / T) with T = 1 (Liu et al. 2020).
 */
export type LogitScoreMethod = 'msp' | 'max-logit' | 'energy';

/** 1 − max p per row of an n × k probability matrix. */
export function mspScores(probabilities: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, probabilities[i * k + c]!);
    out[i] = 1 - max;
  }
  return out;
}

/** −max z per row of an n × k logit matrix. */
export function maxLogitScores(logits: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]!);
    out[i] = -max;
  }
  return out;
}

/** Energy −T log Σ exp(z/T) per row (log-sum-exp shifted by the row maximum). */
export function energyScores(logits: ArrayLike<number>, n: number, k: number, temperature = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c]! / temperature - max);
    out[i] = -temperature * (max + Math.log(sum));
  }
  return out;
}
