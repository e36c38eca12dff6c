import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { syntheticContext } from '../../../test/support/synthetic-scan.js';
import { miscalibration } from './miscalibration.js';

/** Group F claims `confidence.F` and is right `accuracy.F` of the time; group M likewise. */
function groupContext(seed: number, spec: { F: [number, number]; M: [number, number] }, perGroup = 1500) {
  const rng = new Rng(seed);
  const sex: string[] = [];
  const labels: number[] = [];
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (const g of ['F', 'M'] as const) {
    const [claim, accuracy] = spec[g];
    for (let i = 0; i < perGroup; i++) {
      const y = rng.next() < 0.5 ? 1 : 0;
      sex.push(g);
      labels.push(y);
      predicted.push(rng.next() < accuracy ? y : 1 - y);
      confidence.push(claim + (rng.next() - 0.5) * 0.04);
    }
  }
  return syntheticContext({ columns: [{ name: 'sex', categories: ['F', 'M'], values: sex }], labels, predicted, confidence, protectedColumns: ['sex'] });
}

describe('miscalibration detector', () => {
  it('names the over-confident group with its rows, and an overall finding whose interval holds its ECE', async () => {
    const context = groupContext(1, { F: [0.9, 0.7], M: [0.8, 0.8] });
    const result = await miscalibration.run(context);
    const group = result.findings.find((f) => f.id === 'miscalibration/group/sex=F');
    expect(group?.detector).toBe('miscalibration/over');
    expect(group!.interval!.low).toBeGreaterThanOrEqual(0.05);
    expect(group!.interval!.method).toMatch(/ for confidence − accuracy$/);
    const mask = result.rows![group!.id]!;
    expect(mask.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(Array.from(mask.subarray(0, 1500)).every((m) => m === 1)).toBe(true);
    expect(result.findings.some((f) => f.id === 'miscalibration/group/sex=M')).toBe(false);
    const overall = result.findings.find((f) => f.id === 'miscalibration/overall')!;
    expect(overall.interval!.low).toBeLessThanOrEqual(overall.value);
    expect(overall.value).toBeLessThanOrEqual(overall.interval!.high);
    expect(overall.title).toMatch(/over-confident/);
    const data = result.data as { temperature: { value: number; after: { ece: number }; before: { ece: number } } | null; groups: { attribute: string }[] };
    // the whole sample is over-confident, so the held-out temperature softens it (T > 1)
    expect(data.temperature!.value).toBeGreaterThan(1);
    expect(data.groups.map((g) => g.attribute)).toEqual(['sex']);
    expect(result.sections![0]!.blocks.filter((b) => b.kind === 'chart')).toHaveLength(2);
  });

  it('reports nothing for a calibrated model, and is deterministic under its seed', async () => {
    const context = groupContext(2, { F: [0.8, 0.8], M: [0.9, 0.9] });
    const [a, b] = [await miscalibration.run(context), await miscalibration.run(context)];
    expect(a.findings).toEqual([]);
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data));
  });

  it('says why calibration was not measured when the outputs are not probabilities', async () => {
    const context = groupContext(3, { F: [0.8, 0.8], M: [0.8, 0.8] }, 100);
    const outputs = context.outputs.map((v, i) => (i === 1 ? v + 0.5 : v));
    const result = await miscalibration.run({ ...context, outputs });
    expect(result.findings).toEqual([]);
    expect(JSON.stringify(result.sections)).toMatch(/not measured: the model outputs: row 0 sums to/);
  });
});
