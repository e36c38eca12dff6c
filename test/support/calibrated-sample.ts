import { Rng } from '../../src/rng.js';
import { softmax } from '../../src/uncertainty/calibration/probabilities.js';

/**
 * A perfectly calibrated sampler for tests: random logits z (n × k, scale `spread`), probabilities
 * p = softmax(z) and labels drawn from p, so P(y = c | p) = p_c holds by construction.
 */
export function calibratedSample(n: number, k: number, seed: number, spread = 2): { logits: Float64Array; probabilities: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const logits = Float64Array.from({ length: n * k }, () => spread * rng.normal());
  const probabilities = softmax(logits, k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.next();
    let c = 0;
    for (; c < k - 1; c++) {
      u -= probabilities[i * k + c]!;
      if (u < 0) break;
    }
    labels[i] = c;
  }
  return { logits, probabilities, labels };
}
