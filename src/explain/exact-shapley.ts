import { z } from 'zod';
import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Explainer } from './explainer.js';
import { parseOptions } from './options.js';
import { explainTabularRows } from './tabular-input.js';

const schema = z
  .object({
    /** Refuse more players than this (2^M coalitions × background rows are evaluated). */
    maxPlayers: z.number().int().min(1).max(24).default(16),
  })
  .strict();

export type ExactShapleyOptions = z.input<typeof schema>;

/**
 * Exact interventional Shapley values (Shapley 1953; Lundberg & Lee 2017, §4 "interventional"
 * value function, as shap's `explainers.Exact` with `maskers.Independent`): all 2^M coalitions of the
 * players are evaluated over the background and
 * φ_i = Σ_{S ⊆ P∖{i}} |S|!(M−|S|−1)!/M! · [v(S∪{i}) − v(S)], in float64.
 * `context.features` chooses the players; the other features keep the explained row's values.
 */
export function exactShapley(options: ExactShapleyOptions = {}): Explainer<Pipeline, RawMatrix> {
  const opts = parseOptions('exact-shapley', schema, options);
  return Object.freeze({
    method: 'exact-shapley',
    requires: [],
    properties: Object.freeze({ completeness: true, stochastic: false, access: 'model-agnostic', players: 'features' }),
    options: Object.freeze({ ...opts }),
    explain: (pipeline: Pipeline, x: RawMatrix, context = {}) =>
      explainTabularRows({
        method: 'exact-shapley',
        pipeline,
        x,
        context,
        options: opts,
        withStderr: false,
        estimate: async ({ x: row, players, target, masker, signal }) => {
          const m = players.length;
          if (m > opts.maxPlayers) {
            throw new GlassboxError('invalid_argument', `exact-shapley enumerates 2^M coalitions and M = ${m} players exceeds maxPlayers = ${opts.maxPlayers}`, {
              argument: 'features',
              hint: 'Explain a subset with `features` (the others stay at the row\'s values), raise maxPlayers (cost doubles per player), or use kernel-shap / permutation-shapley.',
            });
          }
          const v = await coalitionValues(masker, row, players, target, signal);
          return { values: shapleyFromValues(v, m), base: v[0]! };
        },
      }),
  });
}

async function coalitionValues(masker: { evaluate: (x: Float64Array, p: Int32Array, masks: Uint8Array, n: number, s?: AbortSignal) => Promise<Float64Array>; outputWidth: number }, x: Float64Array, players: Int32Array, target: number, signal?: AbortSignal): Promise<Float64Array> {
  const m = players.length;
  const count = 2 ** m;
  const masks = new Uint8Array(count * m);
  for (let s = 0; s < count; s++) for (let p = 0; p < m; p++) masks[s * m + p] = (s >>> p) & 1;
  const all = await masker.evaluate(x, players, masks, count, signal);
  const v = new Float64Array(count);
  for (let s = 0; s < count; s++) v[s] = all[s * masker.outputWidth + target]!;
  return v;
}

/** Shapley values from a table of coalition values indexed by bitmask (bit p = player p present). */
export function shapleyFromValues(v: Float64Array, m: number): Float64Array {
  const weights = new Float64Array(m);
  for (let s = 0; s < m; s++) weights[s] = 1 / (m * binomial(m - 1, s));
  const phi = new Float64Array(m);
  const count = 2 ** m;
  for (let s = 0; s < count; s++) {
    const size = popcount(s);
    for (let i = 0; i < m; i++) {
      const bit = 1 << i;
      if (s & bit) continue;
      phi[i]! += weights[size]! * (v[s | bit]! - v[s]!);
    }
  }
  return phi;
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - Math.min(k, n - k) + i)) / i;
  return Math.round(r);
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}
