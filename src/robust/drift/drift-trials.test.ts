import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { featureDrift } from './feature-drift.js';
import { ksStatisticSorted, ksTwoSample } from './ks-test.js';
import { simulateDrift, type DriftSimulation, type PlantedShift } from './simulate.js';

/** Upper limit of a binomial proportion's null band: nominal + 3 standard errors. */
const upperBand = (p: number, runs: number): number => p + 3 * Math.sqrt((p * (1 - p)) / runs);

const base: DriftSimulation = { numeric: 8, categorical: 2, categoryProbabilities: [0.5, 0.3, 0.2], nReference: 300, nCurrent: 300 };

function trials(spec: DriftSimulation, runs: number, seed: number): { anyAlarm: number; shiftedFound: number; otherAlarms: number; others: number } {
  const shifted = new Set((spec.shifts ?? []).map((s) => s.feature));
  let anyAlarm = 0;
  let shiftedFound = 0;
  let otherAlarms = 0;
  let others = 0;
  for (let r = 0; r < runs; r++) {
    const { reference, current } = simulateDrift(spec, seed + r);
    const report = featureDrift(reference, current);
    if (report.drifted.length > 0) anyAlarm++;
    report.features.forEach((f, i) => {
      if (shifted.has(i)) shiftedFound += f.drift ? 1 : 0;
      else {
        others++;
        otherAlarms += f.drift ? 1 : 0;
      }
    });
  }
  return { anyAlarm: anyAlarm / runs, shiftedFound: shiftedFound / Math.max(1, runs * shifted.size), otherAlarms, others };
}

describe('drift trials under the null (no shift)', () => {
  it('raises any alarm (BH, q < 0.05 over 10 features) in at most 5% of runs, within binomial tolerance', () => {
    const runs = 300;
    const { anyAlarm } = trials(base, runs, 1000);
    // under the global null BH's family-wise error rate equals its FDR level (≤ 0.05 with conservative discrete p-values)
    expect(anyAlarm).toBeLessThanOrEqual(upperBand(0.05, runs));
  });

  it('gives uniform KS p-values: exact (n = 40, 55) and asymptotic (n = 10,001, 10,500) branches', () => {
    const rng = new Rng(7);
    const draw = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
    for (const [n1, n2, runs] of [
      [40, 55, 400],
      [10_001, 10_500, 60],
    ] as const) {
      const p = Float64Array.from({ length: runs }, () => ksTwoSample(draw(n1), draw(n2)).pValue).sort();
      // KS of the p-values against U(0, 1): D below the 1% critical value 1.63/√runs
      const uniform = Float64Array.from({ length: 2000 }, (_, i) => (i + 0.5) / 2000);
      expect(ksStatisticSorted(p, uniform)).toBeLessThan(1.63 / Math.sqrt(runs));
      // binned check at the 5% level
      const below = p.filter((x) => x < 0.05).length / runs;
      expect(below).toBeLessThanOrEqual(upperBand(0.05, runs));
    }
  });
});

describe('drift trials with planted shifts (300 vs 300 rows, 10 features, 100 runs each)', () => {
  // the power floors sit a few binomial standard errors below the power measured over these 100 runs
  const cases: { name: string; shift: PlantedShift; minPower: number }[] = [
    { name: 'mean shift of 0.5 σ in x0', shift: { kind: 'mean', feature: 0, delta: 0.5 }, minPower: 0.9 },
    { name: 'variance shift σ 1 → 2 in x3', shift: { kind: 'scale', feature: 3, factor: 2 }, minPower: 0.8 },
    { name: 'category shift (0.5, 0.3, 0.2) → (0.35, 0.3, 0.35) in c0', shift: { kind: 'proportions', feature: 8, to: [0.35, 0.3, 0.35] }, minPower: 0.85 },
  ];
  it.each(cases)('finds a $name with power ≥ $minPower and flags few unshifted features', ({ shift, minPower }) => {
    const runs = 100;
    const result = trials({ ...base, shifts: [shift] }, runs, 5000);
    expect(result.shiftedFound).toBeGreaterThanOrEqual(minPower);
    // the other nine features are null: their alarm rate stays near the BH level
    expect(result.otherAlarms / result.others).toBeLessThanOrEqual(upperBand(0.05, result.others));
  });

  it('finds only the shifted feature when one of many moves', () => {
    const { reference, current } = simulateDrift({ ...base, numeric: 30, shifts: [{ kind: 'mean', feature: 17, delta: 1 }] }, 42);
    const report = featureDrift(reference, current);
    expect(report.drifted).toEqual(['x17']);
    const x17 = report.features.find((f) => f.feature === 'x17')!;
    expect(x17.wasserstein!).toBeGreaterThan(0.7);
    expect(x17.psi).toBeGreaterThan(0.25);
  });
});
