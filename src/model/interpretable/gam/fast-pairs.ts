import { throwIfAborted } from '../../../errors.js';
import type { LearnerTask } from './types.js';
import type { BoostRows } from './booster.js';
import { fastPairCut, pairScratch, type Histogram, type SplitLimits } from './term-split.js';

/** The grid cell of each row for a pair: first feature's bin × second's column count + second's bin. */
export function flatPairBins(a: Uint16Array, b: Uint16Array, cols: number): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * cols + b[i]!;
  return out;
}

/** Gradient and hessian of every row at its current score. */
function gradients(task: LearnerTask, rows: BoostRows): { g: Float64Array; h: Float64Array } {
  const g = new Float64Array(rows.n);
  const h = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++) {
    if (task === 'binary') {
      const p = 1 / (1 + Math.exp(-rows.scores[i]!));
      g[i] = p - rows.y[i]!;
      h[i] = p * (1 - p);
    } else {
      g[i] = rows.scores[i]! - rows.y[i]!;
      h[i] = 1;
    }
  }
  return { g, h };
}

/**
 * Ranks every feature pair by FAST (Lou et al., KDD 2013): on the residual gradients after the main
 * effects, the gain of the best four-quadrant cut of the pair's interaction-bin grid, summed over bags.
 * Strongest first; ties keep feature order.
 */
export function rankPairs(task: LearnerTask, bags: readonly { readonly train: BoostRows; readonly trainIndex: Int32Array }[], coarse: readonly Uint16Array[], binCounts: readonly number[], limits: SplitLimits, signal?: AbortSignal): { features: [number, number]; strength: number }[] {
  const F = coarse.length;
  const strength = new Float64Array(F * F);
  for (const bag of bags) {
    throwIfAborted(signal);
    const { g, h } = gradients(task, bag.train);
    const local = coarse.map((bins) => {
      const out = new Uint16Array(bag.trainIndex.length);
      for (let k = 0; k < out.length; k++) out[k] = bins[bag.trainIndex[k]!]!;
      return out;
    });
    for (let a = 0; a < F; a++) {
      for (let b = a + 1; b < F; b++) {
        const rows = binCounts[a]!;
        const cols = binCounts[b]!;
        const hist: Histogram = { g: new Float64Array(rows * cols), h: new Float64Array(rows * cols), c: new Float64Array(rows * cols) };
        const ba = local[a]!;
        const bb = local[b]!;
        for (let i = 0; i < ba.length; i++) {
          const cell = ba[i]! * cols + bb[i]!;
          hist.g[cell]! += g[i]!;
          hist.h[cell]! += h[i]!;
          hist.c[cell]! += 1;
        }
        strength[a * F + b]! += fastPairCut(hist, rows, cols, limits, pairScratch(rows, cols)).gain;
      }
    }
  }
  const out: { features: [number, number]; strength: number }[] = [];
  for (let a = 0; a < F; a++) for (let b = a + 1; b < F; b++) out.push({ features: [a, b], strength: strength[a * F + b]! });
  return out.sort((x, y) => y.strength - x.strength || x.features[0] - y.features[0] || x.features[1] - y.features[1]);
}
