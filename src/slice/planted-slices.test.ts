import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Column, Table } from '../data/table.js';
import { discoverSlices } from './discover.js';
import { filterRows } from './search-features.js';

/**
 * Ground-truth trials: a seeded table with planted weak slices (two 2-way conjunctions, one 3-way
 * conjunction and one numeric range) where the simulated model errs far more often.
 */
interface Plant {
  readonly name: string;
  readonly match: (row: number) => boolean;
}


function plantedTable(seed: number, n = 8000): { table: Table; errors: Float64Array; plants: Plant[] } {
  const rng = new Rng(seed);
  const columns: Column[] = [];
  const cats: Int32Array[] = [];
  const nums: Float64Array[] = [];
  for (let j = 0; j < 6; j++) {
    const levels = 3 + (j % 3);
    const codes = Int32Array.from({ length: n }, () => rng.int(levels));
    cats.push(codes);
    columns.push({ kind: 'categorical', name: `c${j}`, codes, categories: Array.from({ length: levels }, (_, k) => `v${k}`) });
  }
  for (let j = 0; j < 6; j++) {
    const values = Float64Array.from({ length: n }, () => (j % 2 ? rng.normal() : rng.next() * 100));
    nums.push(values);
    columns.push({ kind: 'numeric', name: `x${j}`, values });
  }
  // Pick distinct features per seed so each trial plants different slices.
  const order = rng.permutation(6);
  const f = (k: number): number => order[k]!;
  const lv = (_k: number): number => rng.int(3);
  const [a, b, c, d, e, g] = [f(0), f(1), f(2), f(3), f(4), f(5)];
  const [va, vb, vc, vd, ve, vg] = [lv(0), lv(1), lv(2), lv(3), lv(4), lv(5)];
  const xr = rng.int(3) * 2; // a uniform [0, 100) column
  const lo = 20 + rng.next() * 50;
  const xt = 1 + rng.int(3) * 2; // a normal column
  const plants: Plant[] = [
    { name: `c${a}=v${va} & c${b}=v${vb}`, match: (i) => cats[a]![i] === va && cats[b]![i] === vb },
    { name: `c${c}=v${vc} & x${xt}>0.9`, match: (i) => cats[c]![i] === vc && nums[xt]![i]! > 0.9 },
    { name: `c${d}=v${vd} & c${e}=v${ve} & c${g}=v${vg}`, match: (i) => cats[d]![i] === vd && cats[e]![i] === ve && cats[g]![i] === vg },
    { name: `x${xr} in [${lo.toFixed(1)}, ${(lo + 12).toFixed(1)})`, match: (i) => nums[xr]![i]! >= lo && nums[xr]![i]! < lo + 12 },
  ];
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const weak = plants.some((p) => p.match(i));
    errors[i] = rng.next() < (weak ? 0.5 : 0.12) ? 1 : 0;
  }
  return { table: { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) }, errors, plants };
}

function trial(seed: number): { recall: number; fdp: number; found: number; tested: number } {
  const { table, errors, plants } = plantedTable(seed);
  const names = table.columns.map((c) => c.name);
  const discovery = discoverSlices(table, names, errors, { maxOrder: 3, fdr: 0.05, minEffect: 0.1, bins: 10 });
  const n = table.nRows;
  const plantRows = plants.map((p) => {
    const m = new Uint8Array(n);
    for (let i = 0; i < n; i++) m[i] = p.match(i) ? 1 : 0;
    return m;
  });
  const sliceRows = discovery.slices.map((s) => filterRows(discovery.features, s.conditions, n));
  const overlap = (rows: Int32Array, m: Uint8Array): number => rows.reduce((acc, i) => acc + m[i]!, 0);
  const size = (m: Uint8Array): number => m.reduce((a, v) => a + v, 0);
  const recalled = plantRows.filter((m) => sliceRows.some((rows) => {
    const both = overlap(rows, m);
    return both / (rows.length + size(m) - both) >= 0.5;
  })).length;
  const falses = sliceRows.filter((rows) => plantRows.every((m) => overlap(rows, m) / rows.length < 0.5)).length;
  if (process.env.DEBUG_SLICES) console.log(plants.map((p) => p.name), discovery.slices.map((s) => `${s.description} n=${s.n} e=${s.metric.toFixed(2)} z=${s.statistic.toFixed(1)}`));
  return { recall: recalled / plants.length, fdp: sliceRows.length ? falses / sliceRows.length : 0, found: sliceRows.length, tested: discovery.tested };
}

describe('slice discovery on planted weak slices', () => {
  it('averages ≥ 0.9 recall and ≤ 0.1 false-discovery proportion over seeds', () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const results = seeds.map(trial);
    const recall = results.reduce((a, r) => a + r.recall, 0) / seeds.length;
    const fdp = results.reduce((a, r) => a + r.fdp, 0) / seeds.length;
    console.log(`planted-slice trials (${seeds.length} seeds, 8000 rows, 4 plants each): recall ${recall.toFixed(3)}, FDP ${fdp.toFixed(3)}; per seed ${results.map((r) => `${r.recall.toFixed(2)}/${r.fdp.toFixed(2)} (${r.found} found, ${r.tested} tested)`).join(', ')}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(fdp).toBeLessThanOrEqual(0.1);
  });

  it('is deterministic and finds nothing on a null table', () => {
    const { table } = plantedTable(11);
    const rng = new Rng(3);
    const noise = Float64Array.from({ length: table.nRows }, () => (rng.next() < 0.15 ? 1 : 0));
    const names = table.columns.map((c) => c.name);
    const a = discoverSlices(table, names, noise, { maxOrder: 2, minSupport: 40 });
    const b = discoverSlices(table, names, noise, { maxOrder: 2, minSupport: 40 });
    expect(a.slices.length).toBe(0);
    expect(a.tested).toBe(b.tested);
    expect(a.tested).toBeGreaterThan(1000);
  });
});

describe('slice discovery on the credit demo generator', () => {
  it('recovers slices planted through the generator parameters (2-way, 3-way, numeric range)', async () => {
    const { generateCredit, CREDIT_FEATURES } = await import('../demos/credit/generate.js');
    const { matchPredicates } = await import('../data/predicate.js');
    const trials = [3, 4, 5].map((seed) => {
      const plants = {
        weakSlices: [
          { name: 'young_students', predicates: [{ feature: 'age', op: '<' as const, value: 30 }, { feature: 'employment', op: '==' as const, value: 'student' }], flipRate: 0.45 },
          { name: 'renters_phone_debt', predicates: [{ feature: 'home_ownership', op: '==' as const, value: 'rent' }, { feature: 'marketing_channel', op: '==' as const, value: 'phone' }, { feature: 'purpose', op: '==' as const, value: 'debt_consolidation' }], flipRate: 0.45 },
          { name: 'income_range', predicates: [{ feature: 'income', op: '>=' as const, value: 60 }, { feature: 'income', op: '<' as const, value: 75 }], flipRate: 0.4 },
        ],
      };
      const data = generateCredit({ seed, rows: 12000, plants });
      const rng = new Rng(seed);
      const observed = (data.table.columns.find((c) => c.name === 'repaid') as { codes: Int32Array }).codes;
      // A model that learned the clean signal: right about the clean label 88% of the time.
      const errors = Float64Array.from(observed, (y, i) => {
        const pred = rng.next() < 0.88 ? data.cleanLabels[i]! : 1 - data.cleanLabels[i]!;
        return pred !== y ? 1 : 0;
      });
      const features = CREDIT_FEATURES.filter((f) => f !== 'account_closed_flag' && data.table.columns.some((c) => c.name === f));
      const discovery = discoverSlices(data.table, features, errors, { maxOrder: 3, minEffect: 0.1 });
      const n = data.table.nRows;
      const plantMasks = plants.weakSlices.map((p) => matchPredicates(data.table, p.predicates));
      const rows = discovery.slices.map((s) => filterRows(discovery.features, s.conditions, n));
      const overlap = (r: Int32Array, m: Uint8Array): number => r.reduce((a, i) => a + m[i]!, 0);
      const recall = plantMasks.filter((m) => rows.some((r) => overlap(r, m) / (r.length + m.reduce((a, v) => a + v, 0) - overlap(r, m)) >= 0.5)).length / plantMasks.length;
      const fdp = rows.length ? rows.filter((r) => plantMasks.every((m) => overlap(r, m) / r.length < 0.5)).length / rows.length : 0;
      return { recall, fdp, found: rows.length, names: discovery.slices.map((s) => s.description) };
    });
    const recall = trials.reduce((a, t) => a + t.recall, 0) / trials.length;
    const fdp = trials.reduce((a, t) => a + t.fdp, 0) / trials.length;
    console.log(`credit-generator trials (3 seeds, 12000 rows, 3 plants): recall ${recall.toFixed(3)}, FDP ${fdp.toFixed(3)}; ${trials.map((t) => `[${t.names.join('; ')}]`).join(' ')}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(fdp).toBeLessThanOrEqual(0.1);
  });
});
