import { describe, expect, it } from 'vitest';
import type { Table } from '../../data/table.js';
import { newcombeInterval } from '../../math/stats/newcombe.js';
import { domainBenchmark } from './domain-benchmark.js';
import { assignDomains } from './domains.js';
import { performanceDrift } from './performance-drift.js';
import { predictionDrift } from './prediction-drift.js';

const table = (columns: Table['columns'], n: number): Table => ({ nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) });

describe('domains', () => {
  it('takes categories as they are and cuts ordered columns into equal-count periods without splitting ties', () => {
    const t = table([
      { kind: 'categorical', name: 'region', codes: Int32Array.of(0, 1, 1, -1), categories: ['north', 'south'] },
      { kind: 'numeric', name: 't', values: Float64Array.of(5, 1, 3, 3) },
    ], 4);
    expect(Array.from(assignDomains(t, 'region').codes)).toEqual([0, 1, 1, -1]);
    const periods = assignDomains(t, 't', { periods: 2 });
    // the median falls inside the tie at 3, so both 3s join the first period
    expect(Array.from(periods.codes)).toEqual([1, 0, 0, 0]);
    expect(periods.labels).toEqual(['P1: 1 – 3', 'P2: 5 – 5']);
  });

  it('groups date strings by calendar quarter and refuses a numeric column with many values', () => {
    const t = table([
      { kind: 'categorical', name: 'date', codes: Int32Array.of(0, 1, 2, 3), categories: ['2024-01-15', '2024-03-31', '2024-04-01', 'not a date'] },
      { kind: 'numeric', name: 'x', values: Float64Array.from({ length: 4 }, (_, i) => i / 7) },
    ], 4);
    const q = assignDomains(t, 'date', { period: 'quarter' });
    expect(q.labels).toEqual(['2024-Q1', '2024-Q2']);
    expect(Array.from(q.codes)).toEqual([0, 0, 1, -1]);
    expect(() => assignDomains(table([{ kind: 'numeric', name: 'x', values: Float64Array.from({ length: 30 }, (_, i) => i) }], 30), 'x')).toThrow(/--periods/);
    expect(() => assignDomains(t, 'nope')).toThrow(/not a column/);
  });
});

describe('domain benchmark', () => {
  it('reports per-domain accuracy, the worst ranked domain and its gap to the pooled accuracy', () => {
    // A: 100 rows, 90 right; B: 50 rows, 30 right; C: 10 rows all wrong (too small to rank)
    const codes = Int32Array.from([...Array(100).fill(0), ...Array(50).fill(1), ...Array(10).fill(2)]);
    const correct = Int8Array.from([...Array(90).fill(1), ...Array(10).fill(0), ...Array(30).fill(1), ...Array(20).fill(0), ...Array(10).fill(0)]);
    const b = domainBenchmark({ column: 'd', how: 'categories as they are', labels: ['A', 'B', 'C'], codes }, correct);
    expect(b.pooled.accuracy).toBeCloseTo(120 / 160, 14);
    expect(b.worst?.domain).toBe('B');
    expect(b.domains.find((d) => d.domain === 'C')?.ranked).toBe(false);
    expect(b.gapToPooled!.value).toBeCloseTo(120 / 160 - 0.6, 14);
    // gap = (1 − w)(rest − worst): the identity behind its interval
    const rest = newcombeInterval(90, 110, 30, 50);
    expect(b.gapToPooled!.value).toBeCloseTo((110 / 160) * (90 / 110 - 0.6), 14);
    expect(b.gapToPooled!.interval.low).toBeCloseTo((110 / 160) * rest.low, 14);
    expect(b.gapToPooled!.interval.low).toBeGreaterThan(0);
  });
});

describe('performance and prediction drift', () => {
  it('gives the accuracy change with a Newcombe interval that excludes 0 only for a real drop', () => {
    const drop = performanceDrift({ correct: 900, n: 1000 }, { correct: 800, n: 1000 });
    expect(drop.difference).toBeCloseTo(-0.1, 14);
    expect(drop.interval.high).toBeLessThan(0);
    expect(drop.drift).toBe(true);
    expect(performanceDrift({ correct: 90, n: 100 }, { correct: 88, n: 100 }).drift).toBe(false);
  });

  it('tests the positive-class score and the predicted class of a binary model', () => {
    const n = 400;
    const ref = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 1 ? ((i * 37) % 100) / 100 : 0));
    const cur = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 1 ? Math.min(1, ((i * 37) % 100) / 100 + 0.3) : 0));
    for (let i = 0; i < n; i++) {
      ref[2 * i] = 1 - ref[2 * i + 1]!;
      cur[2 * i] = 1 - cur[2 * i + 1]!;
    }
    const d = predictionDrift({ reference: ref, current: cur, width: 2, task: 'binary', classes: ['no', 'yes'] });
    expect(d.scores.map((s) => s.feature)).toEqual(['score: yes']);
    expect(d.scores[0]!.drift).toBe(true);
    expect(d.scores[0]!.wasserstein!).toBeGreaterThan(0.2);
    expect(d.predictedClass?.drift).toBe(true);
    const same = predictionDrift({ reference: ref, current: ref, width: 2, task: 'binary', classes: ['no', 'yes'] });
    expect(same.scores[0]!.pValue).toBe(1);
  });
});
