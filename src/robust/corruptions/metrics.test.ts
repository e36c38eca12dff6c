import { describe, expect, it } from 'vitest';
import { newcombeInterval } from '../../math/stats/newcombe.js';
import { corruptionErrors } from './metrics.js';
import { pairedDifference } from '../../math/stats/paired-difference.js';

describe('corruption error (Hendrycks & Dietterich 2019)', () => {
  const ours: Record<string, number[]> = { fog: [0.1, 0.2, 0.3], snow: [0.2, 0.2, 0.2] };
  const base: Record<string, number[]> = { fog: [0.2, 0.4, 0.6], snow: [0.1, 0.1, 0.4] };

  it('is the mean error over severities without a baseline', () => {
    const r = corruptionErrors(['fog', 'snow'], (n) => ours[n]!, 0.05);
    expect(r.perCorruption.map((c) => c.ce)).toEqual([0.2, 0.2].map((v) => expect.closeTo(v, 12) as unknown as number));
    expect(r.mCE).toBeCloseTo(0.2, 12);
    expect(r.relativeMCE).toBeNull();
  });

  it('divides summed errors by the baseline’s, and degradations by its degradations', () => {
    const r = corruptionErrors(['fog', 'snow'], (n) => ours[n]!, 0.05, { errors: (n) => base[n]!, clean: 0.1 });
    expect(r.perCorruption[0]!.ce).toBeCloseTo(0.6 / 1.2, 12);
    expect(r.perCorruption[1]!.ce).toBeCloseTo(0.6 / 0.6, 12);
    expect(r.perCorruption[0]!.relativeCe).toBeCloseTo((0.6 - 0.15) / (1.2 - 0.3), 12);
    expect(r.perCorruption[1]!.relativeCe).toBeCloseTo((0.6 - 0.15) / (0.6 - 0.3), 12);
    expect(r.mCE).toBeCloseTo((0.5 + 1) / 2, 12);
    // a baseline that never errs leaves CE undefined
    expect(corruptionErrors(['fog'], (n) => ours[n]!, 0, { errors: () => [0, 0, 0], clean: 0 }).mCE).toBeNull();
  });
});

describe('paired difference of proportions (Newcombe 1998, method 10)', () => {
  it('contains the estimate and is narrower than the unpaired interval when the pairs agree', () => {
    const paired = pairedDifference(150, 20, 5, 200);
    expect(paired.value).toBeCloseTo((170 - 155) / 200, 12);
    expect(paired.interval.low).toBeLessThan(paired.value);
    expect(paired.interval.high).toBeGreaterThan(paired.value);
    const unpaired = newcombeInterval(170, 200, 155, 200);
    expect(paired.interval.high - paired.interval.low).toBeLessThan(unpaired.high - unpaired.low);
  });

  it('covers the true drop at about the nominal rate in simulation', async () => {
    const { Rng } = await import('../../rng.js');
    const rng = new Rng(3);
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      // clean right w.p. 0.9; a right answer flips to wrong w.p. 0.1, a wrong one to right w.p. 0.2: drop = 0.09 − 0.02
      let both = 0, onlyFirst = 0, onlySecond = 0;
      for (let i = 0; i < 150; i++) {
        const c = rng.next() < 0.9;
        const d = c ? rng.next() >= 0.1 : rng.next() < 0.2;
        if (c && d) both++;
        else if (c) onlyFirst++;
        else if (d) onlySecond++;
      }
      const r = pairedDifference(both, onlyFirst, onlySecond, 150);
      if (r.interval.low <= 0.07 && 0.07 <= r.interval.high) covered++;
    }
    // nominal 0.95; binomial sd over 400 trials ≈ 0.011
    expect(covered / trials).toBeGreaterThan(0.91);
  });
});
