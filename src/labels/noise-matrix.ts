import { labelCounts } from './inputs.js';

const TINY = 1e-100;

/** Latent estimates from a calibrated confident joint (all k × k row-major unless said otherwise). */
export interface NoiseEstimates {
  /** P̂(given = i, true = j): the calibrated joint divided by n. */
  readonly joint: Float64Array;
  /** P̂(given = i | true = j): each column of the joint normalised to 1 — the noise matrix. */
  readonly noiseMatrix: Float64Array;
  /** P̂(true = j | given = i): each row normalised to 1 — of the rows labelled i, the share truly j. */
  readonly inverseNoiseMatrix: Float64Array;
  /** P̂(true = j), counted from the joint's column sums (cleanlab's py_method 'cnt'). */
  readonly prior: Float64Array;
  /** P̂(given = i): the observed label shares. */
  readonly labelPrior: Float64Array;
}

/**
 * The noise matrix, inverse noise matrix and latent prior implied by a calibrated confident joint
 * (Northcutt et al. 2021, §3.1; cleanlab's `estimate_latent` with `converge_latent_estimates=False`).
 * Off-diagonal rates are clipped to [0, 0.9999] and columns renormalised, as cleanlab's `clip_noise_rates`.
 */
export function noiseEstimates(calibrated: Float64Array, labels: Int32Array, k: number): NoiseEstimates {
  const n = labels.length;
  let total = 0;
  for (const c of calibrated) total += c;
  const joint = Float64Array.from(calibrated, (c) => c / Math.max(total, TINY));
  const rowSums = new Float64Array(k);
  const colSums = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      rowSums[i]! += calibrated[i * k + j]!;
      colSums[j]! += calibrated[i * k + j]!;
    }
  }
  const noise = new Float64Array(k * k);
  const inverse = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      noise[i * k + j] = calibrated[i * k + j]! / Math.max(colSums[j]!, TINY);
      inverse[j * k + i] = calibrated[i * k + j]! / Math.max(rowSums[i]!, TINY);
    }
  }
  let colTotal = 0;
  for (const c of colSums) colTotal += c;
  return {
    joint,
    noiseMatrix: clipNoiseRates(noise, k),
    // stored as [true][given] above; transpose back to [given][true]
    inverseNoiseMatrix: transpose(clipNoiseRates(inverse, k), k),
    prior: Float64Array.from(colSums, (c) => c / Math.max(colTotal, TINY)),
    labelPrior: Float64Array.from(labelCounts(labels, k), (c) => c / n),
  };
}

/** Off-diagonal entries clipped to [0, 0.9999], the diagonal kept, each column renormalised to sum 1. */
function clipNoiseRates(matrix: Float64Array, k: number): Float64Array {
  const out = Float64Array.from(matrix, (v, idx) => (Math.floor(idx / k) === idx % k ? v : Math.min(Math.max(v, 0), 0.9999)));
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += out[i * k + j]!;
    for (let i = 0; i < k; i++) out[i * k + j]! /= Math.max(s, TINY);
  }
  return out;
}

function transpose(matrix: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[j * k + i] = matrix[i * k + j]!;
  return out;
}
