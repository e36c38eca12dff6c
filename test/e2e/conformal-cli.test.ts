import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-conformal-'));
function npy(name: string, data: Float32Array | Float64Array | BigInt64Array, shape: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpy(data, shape));
  return path;
}
const labels = (values: number[]): BigInt64Array => BigInt64Array.from(values.map(BigInt));

// the hand-worked arrays of src/uncertainty/conformal/split-conformal.test.ts (multiples of 1/8: exact in float32)
const cal = npy('cal.npy', Float32Array.from([0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.375, 0.375, 0.25, 0.125, 0.125, 0.75, 0.75, 0.125, 0.125]), [5, 3]);
const calY = npy('cal_y.npy', labels([0, 2, 1, 0, 0]), [5]);
const test = npy('test.npy', Float32Array.from([0.5, 0.25, 0.25, 0.25, 0.25, 0.5, 0.125, 0.875, 0, 0, 0, 1]), [4, 3]);
const testY = npy('test_y.npy', labels([1, 1, 0, 2]), [4]);
const files = ['conformal', '--calibration-predictions', cal, '--calibration-labels', calY, '--predictions', test];

async function json(args: string[]): Promise<Record<string, unknown>> {
  const run = await runGlassbox([...args, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('glassbox conformal from saved predictions', () => {
  it('prints q̂ and the sets of the textbook construction, and coverage when labels are given', async () => {
    const out = await json([...files, '--labels', testY, '--alpha', '0.4', '--score', 'aps']);
    expect(out.qhat).toBe(0.875);
    expect(out.sets).toEqual([[0, 1], [0, 2], [1], []]);
    expect(out.rowIds).toEqual([0, 1, 2, 3]);
    // labels 1, 1, 0, 2 → covered, not, not, not
    expect(out.coverage).toBe(0.25);
    expect(out.averageSetSize).toBe(1.25);
    expect((out.coverageInterval as { method: string }).method).toBe('clopper-pearson');
    expect((out.perClass as { group: string; n: number }[]).map((c) => [c.group, c.n])).toEqual([['0', 1], ['1', 2], ['2', 1]]);
    expect(out.aurc).toBeTypeOf('number');
    expect((out.accuracyAtCoverage as unknown[]).length).toBe(3);
  });

  it('says when q̂ is +∞ (too few calibration rows for α) and gives every class', async () => {
    const out = await json([...files, '--alpha', '0.1', '--score', 'raps', '--lambda', '0.0625']);
    expect(out.qhat).toBeNull();
    expect(out.qhatInfinite).toBe(true);
    expect(out.sets).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    expect(String((out.warnings as string[])[0])).toMatch(/q̂ = \+∞.*exceeds the 5 calibration rows/);
    expect(out.coverage).toBeUndefined();
  });

  it('class-conditional (--mondrian class) prints one threshold per class', async () => {
    const out = await json([...files, '--alpha', '0.5', '--score', 'lac', '--mondrian', 'class']);
    expect((out.thresholds as { qhat: number }[]).map((t) => t.qhat)).toEqual([0.5, 0.625, 0.75]);
    expect(out.sets).toEqual([[0, 2], [2], [1], [2]]);
  });

  it('reads a single probability column as P(class 1) of a binary model', async () => {
    const p = npy('bin.npy', Float64Array.from([0.9, 0.2, 0.6, 0.3, 0.75]), [5]);
    const y = npy('bin_y.npy', labels([1, 0, 1, 1, 0]), [5]);
    const out = await json(['conformal', '--calibration-predictions', p, '--calibration-labels', y, '--predictions', p, '--alpha', '0.4']);
    // LAC scores 0.1, 0.2, 0.4, 0.7, 0.75 → ⌈3.6⌉ = 4th = 0.7
    expect(out.qhat).toBeCloseTo(0.7, 12);
    expect(out.classes).toEqual(['0', '1']);
    expect(out.sets).toEqual([[1], [0], [0, 1], [0, 1], [1]]); // class k in when 1 − p_k ≤ 0.7
  });

  it('regression: absolute residuals and CQR from lower/upper quantiles', async () => {
    const pred = npy('reg.npy', Float64Array.from([0, 0, 0, 0]), [4]);
    const y = npy('reg_y.npy', Float64Array.from([1, -2, 0.5, 3]), [4]);
    const residual = await json(['conformal', '--calibration-predictions', pred, '--calibration-labels', y, '--predictions', npy('reg_t.npy', Float64Array.from([10]), [1]), '--alpha', '0.4', '--score', 'residual']);
    expect([residual.method, residual.qhat, residual.intervals]).toEqual(['absolute-residual', 2, [[8, 12]]]);
    const bands = npy('q.npy', Float64Array.from([0, 1, 0, 1, 0, 1, 0, 1]), [4, 2]);
    const yq = npy('q_y.npy', Float64Array.from([0.5, 2, -1, 0.25]), [4]);
    const cqr = await json(['conformal', '--calibration-predictions', bands, '--calibration-labels', yq, '--predictions', npy('q_t.npy', Float64Array.from([5, 6]), [1, 2]), '--labels', npy('q_ty.npy', Float64Array.from([6.5]), [1]), '--alpha', '0.4', '--score', 'cqr']);
    expect([cqr.method, cqr.qhat, cqr.intervals, cqr.coverage]).toEqual(['cqr', 1, [[4, 7]], 1]);
  });

  it('refuses bad inputs with the flag and a fix', async () => {
    const logits = npy('logits.npy', Float32Array.from([2, -1, 0.3, 0.7]), [2, 2]);
    const bad = await runGlassbox(['conformal', '--calibration-predictions', logits, '--calibration-labels', npy('y2.npy', labels([0, 1]), [2]), '--predictions', logits]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/row 0, class 0 is 2, not a probability/);
    const wide = await runGlassbox([...files.slice(0, 5), '--predictions', npy('w.npy', Float32Array.from([0.5, 0.5]), [1, 2])]);
    expect(wide.stderr).toMatch(/3 columns but --predictions has 2/);
    const both = await runGlassbox([...files, '--demo', 'credit']);
    expect(both.stderr).toMatch(/not both/);
    const lacRandom = await runGlassbox([...files, '--randomized']);
    expect(lacRandom.stderr).toMatch(/randomized applies to the aps and raps scores/);
  });
});

describe('glassbox conformal --demo credit', () => {
  it('calibrates on a seeded half of the audited rows, evaluates the other half, per protected group, reproducibly', async () => {
    const args = ['conformal', '--demo', 'credit', '--score', 'aps', '--randomized', '--seed', '3'];
    const a = await json(args);
    const ids = a.rowIds as number[];
    const calIds = a.calibrationRowIds as number[];
    expect(ids.length + calIds.length).toBeGreaterThan(1000);
    expect(ids.filter((id) => calIds.includes(id))).toEqual([]);
    expect(String(a.calibrationSplit)).toMatch(/test split .* seeded permutation \(seed 3\).*training rows are never used/);
    const groups = a.perGroup as { attribute: string; groups: { n: number }[] }[];
    expect(groups.map((g) => g.attribute).sort()).toEqual(['age_group', 'gender']);
    for (const g of groups) expect(g.groups.reduce((s, x) => s + x.n, 0)).toBe(ids.length);
    expect(a.coverage as number).toBeGreaterThan(0.85);
    const b = await json(args);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const group = await json(['conformal', '--demo', 'credit', '--mondrian', 'age_group', '--seed', '3']);
    expect((group.thresholds as unknown[]).length).toBe(3);
    expect(group.conditioning).toBe('group');
  }, 60_000);
});

/** A one-stump XGBoost regression model: ŷ = 0 when x < 0.5, else 1 (base score 0). */
function stumpRegressor(): string {
  const tree = {
    base_weights: [0, 0, 1], categories: [], categories_nodes: [], categories_segments: [], categories_sizes: [],
    default_left: [1, 0, 0], id: 0, left_children: [1, -1, -1], loss_changes: [1, 0, 0], parents: [2147483647, 0, 0], right_children: [2, -1, -1],
    split_conditions: [0.5, 0, 1], split_indices: [0, 0, 0], split_type: [0, 0, 0], sum_hessian: [2, 1, 1],
    tree_param: { num_deleted: '0', num_feature: '1', num_nodes: '3', size_leaf_vector: '0' },
  };
  return JSON.stringify({
    learner: {
      attributes: {}, feature_names: ['x'], feature_types: [],
      gradient_booster: { model: { gbtree_model_param: { num_parallel_tree: '1', num_trees: '1', size_leaf_vector: '0' }, tree_info: [0], trees: [tree] }, name: 'gbtree' },
      learner_model_param: { base_score: '0E0', boost_from_average: '1', num_class: '0', num_feature: '1', num_target: '1' },
      objective: { name: 'reg:squarederror', reg_loss_param: {} },
    },
    version: [2, 0, 3],
  });
}

describe('glassbox conformal with a regression model', () => {
  it('makes absolute-residual intervals ŷ ± q̂ on the evaluation half, q̂ from the calibration half', async () => {
    const lines = ['x,y'];
    for (let i = 0; i < 200; i++) {
      const x = (i % 100) / 100;
      lines.push(`${x},${(x < 0.5 ? 0 : 1) + (((i * 37) % 21) - 10) / 100}`);
    }
    const data = join(dir, 'reg.csv');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const model = join(dir, 'reg.json');
    writeFileSync(model, stumpRegressor());
    const schema = join(dir, 'reg-schema.json');
    writeFileSync(schema, JSON.stringify({ features: [{ name: 'x', type: 'numeric' }], target: { name: 'y', task: 'regression' } }));
    const out = await json(['conformal', '--model', model, '--data', data, '--schema', schema, '--alpha', '0.2']);
    expect(out.task).toBe('regression');
    expect(out.method).toBe('absolute-residual');
    // residuals are multiples of 0.01 in [−0.10, 0.10]: q̂ is one of them
    const q = out.qhat as number;
    expect(q).toBeGreaterThan(0);
    expect(q).toBeLessThanOrEqual(0.1 + 1e-9);
    const rowIds = out.rowIds as number[];
    const intervals = out.intervals as [number, number][];
    expect(rowIds.length).toBe(100);
    rowIds.forEach((id, i) => {
      const yhat = (id % 100) / 100 < 0.5 ? 0 : 1;
      expect(intervals[i]![0]).toBeCloseTo(yhat - q, 6);
      expect(intervals[i]![1]).toBeCloseTo(yhat + q, 6);
    });
    expect(out.coverage as number).toBeGreaterThan(0.6);
  });
});
