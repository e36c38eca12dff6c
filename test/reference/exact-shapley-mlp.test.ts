import { describe, expect, it } from 'vitest';
import { exactShapley } from '../../src/explain/exact-shapley.js';
import { germanMlp, hasGermanCredit, matrix, readGermanJson } from '../conformance/german-credit.js';

interface ExactFile {
  features_subset_column_indices: number[];
  background_ordinal: number[][];
  rows: { row_id: number; x_ordinal: number[]; f_x: number; exact: { phi: number[]; v_empty: number; v_full: number } }[];
}

if (!hasGermanCredit) console.warn('[reference] german-credit reference files not found (GLASSBOX_REFERENCE_DIR); skipping exact Shapley reference test');

describe.skipIf(!hasGermanCredit)('exact Shapley = exact_shapley_mlp.json (german-credit MLP, P(bad))', () => {
  it('reproduces phi, v_empty and v_full within 1e-6 on all 5 rows', async () => {
    const ref = readGermanJson<ExactFile>('exact_shapley_mlp.json');
    const { pipe, model } = await germanMlp();
    try {
      const a = await exactShapley().explain(pipe, matrix(ref.rows.map((r) => r.x_ordinal)), {
        background: matrix(ref.background_ordinal),
        features: ref.features_subset_column_indices,
        target: 1,
      });
      let worst = 0;
      ref.rows.forEach((row, r) => {
        row.exact.phi.forEach((phi, j) => (worst = Math.max(worst, Math.abs(a.values[r * 10 + j]! - phi))));
        expect(Math.abs(a.baseValues[r]! - row.exact.v_empty)).toBeLessThan(1e-6);
        expect(Math.abs(a.outputs[r]! - row.exact.v_full)).toBeLessThan(1e-6);
        expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
      });
      expect(worst).toBeLessThan(1e-6);
      console.info(`[reference] exact Shapley max |Δφ| vs exact_shapley_mlp.json: ${worst.toExponential(2)}`);
    } finally {
      await model.dispose();
    }
  });
});
