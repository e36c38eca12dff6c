import type { OutputSpace } from './adapter.js';

/**
 * Host-side versions of heads.ts for the onnxruntime engine: the [n, k] logits from the raw logits
 * tensor (a binary model's single logit z becomes [0, z]), probabilities, and the seed that turns
 * "d output[target]" into a gradient of Σ seed ⊙ raw logits.
 */
export interface HostHead {
  /** Values per row in the raw logits tensor. */
  readonly rawWidth: number;
  /** A single raw logit read as the binary [0, z]. */
  readonly binarySingle: boolean;
  readonly regression: boolean;
}

export function hostLogits(head: HostHead, raw: Float32Array, n: number): Float32Array {
  if (!head.binarySingle) return raw;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) out[2 * i + 1] = raw[i]!;
  return out;
}

export function hostOutputs(head: HostHead, raw: Float32Array, n: number, output: OutputSpace): Float32Array {
  const logits = hostLogits(head, raw, n);
  if (output === 'logits' || head.regression) return logits;
  const k = logits.length / Math.max(1, n);
  const probs = new Float32Array(logits.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[i * k + j]! - max);
      probs[i * k + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) probs[i * k + j]! /= sum;
  }
  return probs;
}

/**
 * The seed over the raw logits tensor for targets t_i: one-hot at t_i for logits; for probabilities
 * p_t (e_t − p) (the softmax Jacobian row), so the engine's gradient is d p_t / d source.
 * `probs` is needed only for probabilities of a classifier.
 */
export function gradientSeed(head: HostHead, targets: Int32Array, output: OutputSpace, probs?: Float32Array): Float32Array {
  const n = targets.length;
  const seed = new Float32Array(n * head.rawWidth);
  const k = head.binarySingle ? 2 : head.rawWidth;
  const softmax = output === 'probabilities' && !head.regression;
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    for (let j = 0; j < k; j++) {
      const d = softmax ? probs![i * k + t]! * ((j === t ? 1 : 0) - probs![i * k + j]!) : j === t ? 1 : 0;
      if (head.binarySingle) {
        if (j === 1) seed[i] = d;
      } else seed[i * k + j] = d;
    }
  }
  return seed;
}
