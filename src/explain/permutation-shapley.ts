import { z } from 'zod';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import type { Explainer } from './explainer.js';
import type { TabularMasker } from './maskers/tabular.js';
import { parseOptions, seedSchema } from './options.js';
import { explainTabularRows } from './tabular-input.js';
import type { RowResult } from './tabular-input.js';

const schema = z
  .object({
    /** Model-evaluation budget per row as shap's `max_evals` (default 500): permutations = ⌊maxEvals / (2M+1)⌋. */
    maxEvals: z.number().int().min(3).default(500),
    /** Number of antithetic permutation pairs; overrides maxEvals. */
    permutations: z.number().int().min(1).optional(),
    seed: seedSchema,
  })
  .strict();

export type PermutationShapleyOptions = z.input<typeof schema>;

/**
 * Permutation sampling Shapley values with antithetic pairs (Štrumbelj & Kononenko 2014; shap's
 * `PermutationExplainer`): for each random order π the players are added one by one (forward) and
 * then removed in the same order (backward, i.e. the reversed order), each marginal difference credited
 * to the player that moved. Every permutation telescopes, so Σφ = f(x) − v(∅) exactly. Coalitions
 * shared between permutations (∅, the full set, …) are evaluated once. stderr = sd of the per-pair
 * estimates / √pairs.
 */
export function permutationShapley(options: PermutationShapleyOptions = {}): Explainer<Pipeline, RawMatrix> {
  const opts = parseOptions('permutation-shapley', schema, options);
  return Object.freeze({
    method: 'permutation-shapley',
    requires: [],
    properties: Object.freeze({ completeness: true, stochastic: true, access: 'model-agnostic', players: 'features' }),
    options: Object.freeze({ ...opts }),
    explain: (pipeline: Pipeline, x: RawMatrix, context = {}) =>
      explainTabularRows({
        method: 'permutation-shapley',
        pipeline,
        x,
        context,
        options: opts,
        seed: opts.seed,
        withStderr: true,
        estimate: ({ x: row, players, target, masker, signal }) => permutationRow(masker, row, players, target, opts.permutations ?? Math.max(1, Math.floor(opts.maxEvals / (2 * players.length + 1))), new Rng(opts.seed), signal),
      }),
  });
}

async function permutationRow(masker: TabularMasker, x: Float64Array, players: Int32Array, target: number, pairs: number, rng: Rng, signal?: AbortSignal): Promise<RowResult> {
  const m = players.length;
  const steps = 2 * m + 1;
  const orders = new Int32Array(pairs * m);
  const index = new Int32Array(pairs * steps);
  const keys = new Map<string, number>();
  const unique: Uint8Array[] = [];
  const mask = new Uint8Array(m);
  for (let p = 0; p < pairs; p++) {
    const order = rng.permutation(m);
    orders.set(order, p * m);
    mask.fill(0);
    for (let s = 0; s < steps; s++) {
      if (s > 0) mask[order[(s - 1) % m]!] = s <= m ? 1 : 0;
      const key = String.fromCharCode(...mask);
      let id = keys.get(key);
      if (id === undefined) {
        id = unique.length;
        keys.set(key, id);
        unique.push(Uint8Array.from(mask));
      }
      index[p * steps + s] = id;
    }
  }
  const flat = new Uint8Array(unique.length * m);
  unique.forEach((u, i) => flat.set(u, i * m));
  const out = await masker.evaluate(x, players, flat, unique.length, signal);
  const v = (p: number, s: number): number => out[index[p * steps + s]! * masker.outputWidth + target]!;
  const sum = new Float64Array(m);
  const sumSq = new Float64Array(m);
  const pair = new Float64Array(m);
  for (let p = 0; p < pairs; p++) {
    pair.fill(0);
    for (let k = 0; k < m; k++) {
      const j = orders[p * m + k]!;
      pair[j]! += (v(p, k + 1) - v(p, k)) / 2;
      pair[j]! += (v(p, m + k) - v(p, m + k + 1)) / 2;
    }
    for (let j = 0; j < m; j++) {
      sum[j]! += pair[j]!;
      sumSq[j]! += pair[j]! ** 2;
    }
  }
  const values = new Float64Array(m);
  const stderr = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    values[j] = sum[j]! / pairs;
    stderr[j] = pairs > 1 ? Math.sqrt(Math.max(sumSq[j]! / pairs - values[j]! ** 2, 0) / (pairs - 1)) : 0;
  }
  return { values, base: v(0, 0), stderr, extra: { evaluations: unique.length, permutations: pairs } };
}
