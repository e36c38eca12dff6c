import { describe, expect, it } from 'vitest';
import { syntheticContext } from '../../../test/support/synthetic-scan.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { ScanContext } from '../detector.js';
import { highUncertainty } from './high-uncertainty.js';
import { oodRows } from './ood-rows.js';

function gaussianRows(n: number, d: number, rng: Rng, shift = 0): Tensor {
  return { data: Float32Array.from({ length: n * d }, () => rng.normal() + shift), shape: [n, d] };
}

/** A scan context over `x` (n × d) whose table holds the first input column as feature f0. */
function contextFor(x: Tensor, extra: Partial<ScanContext> = {}, seed = 0): ScanContext {
  const n = x.shape[0]!;
  const d = x.shape[1]!;
  const f0 = Array.from({ length: n }, (_, i) => x.data[i * d]!);
  const base = syntheticContext({ columns: [{ name: 'f0', values: f0 }], labels: Array.from({ length: n }, (_, i) => i % 2), predicted: Array.from({ length: n }, () => 0), confidence: Array.from({ length: n }, () => 0.8), seed });
  return { ...base, x, ...extra };
}

describe('ood-rows detector', () => {
  it('flags about 1% of in-distribution rows (the stated false-alarm rate) and reports no finding then', async () => {
    let flagged = 0;
    let total = 0;
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const c = contextFor(gaussianRows(800, 4, rng), { trainX: gaussianRows(1500, 4, rng) }, seed);
      expect(oodRows.applies(c)).toBe(true);
      const result = await oodRows.run(c);
      const data = result.data as { flagged: number; n: number; nominalFalseAlarmRate: number };
      flagged += data.flagged;
      total += data.n;
    }
    // conformal threshold: P(flag) ≤ 1% per row; allow 4 binomial standard deviations above
    expect(flagged).toBeLessThanOrEqual(total * 0.01 + 4 * Math.sqrt(total * 0.01 * 0.99));
  });

  it('finds rows shifted far from the training rows, with their mask and examples', async () => {
    const rng = new Rng(7);
    const inRows = gaussianRows(900, 4, rng);
    const shifted = gaussianRows(100, 4, rng, 6);
    const x = { data: new Float32Array([...inRows.data, ...shifted.data]), shape: [1000, 4] };
    const result = await oodRows.run(contextFor(x, { trainX: gaussianRows(2000, 4, rng) }));
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0]!;
    expect(f.severity).toBe('medium');
    const mask = result.rows!['ood-rows']!;
    for (let i = 900; i < 1000; i++) expect(mask[i]).toBe(1);
    expect(f.examples.every((id) => id >= 900)).toBe(true);
    expect(f.evidence).toMatchObject({ nominalFalseAlarmRate: 0.01, k: 5 });
  });

  it('says why it does not apply without training rows', () => {
    const c = contextFor(gaussianRows(10, 2, new Rng(1)));
    expect(oodRows.applies(c)).toMatch(/no train\/test split/);
  });
});

describe('high-uncertainty detector', () => {
  it('is skipped with a reason for a model without dropout', () => {
    expect(highUncertainty.applies(contextFor(gaussianRows(10, 2, new Rng(1))))).toMatch(/no dropout to sample.*ensemble/);
  });

  it('finds the slice where MC-dropout passes disagree', async () => {
    // passes agree (p = 0.9) where f0 < 0.5 and scatter around 0.5 where f0 ≥ 0.5
    const x = { data: Float32Array.from({ length: 600 }, (_, i) => (i % 3) / 2), shape: [600, 1] };
    const model = {
      task: 'binary',
      classes: ['no', 'yes'],
      outputWidth: 2,
      inputSpec: { name: 'x', shape: [null, 1], dtype: 'float32' },
      predict: () => Promise.reject(new Error('not used')),
      sample: (t: Tensor, samples: number, seed: number) => {
        const rng = new Rng(seed);
        const n = t.shape[0]!;
        const out = new Float32Array(samples * n * 2);
        for (let s = 0; s < samples; s++) for (let i = 0; i < n; i++) {
          const p = t.data[i]! >= 0.5 ? 0.5 + 0.45 * (2 * rng.next() - 1) : 0.9;
          out[(s * n + i) * 2] = 1 - p;
          out[(s * n + i) * 2 + 1] = p;
        }
        return Promise.resolve(out);
      },
    } as unknown as Model;
    const c = contextFor(x, { model });
    expect(highUncertainty.applies(c)).toBe(true);
    const result = await highUncertainty.run(c);
    expect(result.findings.length).toBeGreaterThan(0);
    const f = result.findings[0]!;
    expect(f.slice).toEqual([{ feature: 'f0', op: '>=', value: expect.any(Number) }]);
    expect((f.slice![0]!.value as number)).toBeGreaterThan(0);
    expect((f.slice![0]!.value as number)).toBeLessThanOrEqual(0.5);
    expect(f.value).toBeGreaterThan(f.baseline!);
    const mask = result.rows![f.id]!;
    for (let i = 0; i < 600; i++) expect(mask[i]).toBe(x.data[i]! >= 0.5 ? 1 : 0);
  });
});
