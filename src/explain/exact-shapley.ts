import { z } from 'zod';
import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Explainer } from './explainer.js';
import { parseOptions } from './options.js';
import type { TabularMasker } from './maskers/tabular.js';
import { explainTabularRows } from './tabular-input.js';
import type { RowResult } from './tabular-input.js';
import { popcount } from '../math/popcount.js';

const schema = z
  .object({
    /** Refuse a row that differs from a background row in more players than this (2^d model rows per background row). */
    maxPlayers: z.number().int().min(1).max(24).default(18),
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
        estimate: ({ x: row, players, target, masker, signal }) => exactRow(masker, row, players, target, opts.maxPlayers, signal),
      }),
  });
}

/**
 * Shapley values are linear in the game, and the interventional game is the mean over background rows
 * b of the single-baseline games v_b(S) = f(x_S, b_S̄). In v_b every player with x_j = b_j is a dummy,
 * so each baseline only enumerates the d_b players where x and b differ: Σ_b 2^{d_b} model rows
 * instead of N·2^M, with the same result.
 */
async function exactRow(masker: TabularMasker, x: Float64Array, players: Int32Array, target: number, maxPlayers: number, signal?: AbortSignal): Promise<RowResult> {
  const m = players.length;
  const bases = masker.baseRows(x, players);
  const f = masker.nFeatures;
  const n = masker.nBackground;
  const phi = new Float64Array(m);
  let base = 0;
  for (let b = 0; b < n; b++) {
    const baseRow = bases.subarray(b * f, (b + 1) * f);
    const differ: number[] = [];
    for (let p = 0; p < m; p++) if (!sameValue(baseRow[players[p]!]!, x[players[p]!]!)) differ.push(p);
    if (differ.length > maxPlayers) {
      throw new GlassboxError('invalid_argument', `exact-shapley: the explained row differs from background row ${b} in ${differ.length} of the ${m} players, more than maxPlayers = ${maxPlayers} (2^${differ.length} coalitions)`, {
        argument: 'features',
        row: b,
        hint: "Explain a subset with `features` (the others stay at the row's values), raise maxPlayers (cost doubles per player, at most 24), or use kernel-shap / permutation-shapley.",
      });
    }
    const k = differ.length;
    const count = 2 ** k;
    const masks = new Uint8Array(count * k);
    for (let s = 0; s < count; s++) for (let p = 0; p < k; p++) masks[s * k + p] = (s >>> p) & 1;
    const sub = Int32Array.from(differ, (p) => players[p]!);
    const out = await masker.evaluateAgainst(baseRow, x, sub, masks, count, signal);
    const v = new Float64Array(count);
    for (let s = 0; s < count; s++) v[s] = out[s * masker.outputWidth + target]!;
    const local = shapleyFromValues(v, k);
    for (let p = 0; p < k; p++) phi[differ[p]!]! += local[p]! / n;
    base += v[0]! / n;
  }
  return { values: phi, base };
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
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

