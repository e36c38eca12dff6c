import { describe, expect, it } from 'vitest';
import { detectTreeFormat, parseTreeEnsemble } from './load.js';
import { marginsToOutputs, predictMargin } from './score.js';
import { treeModel } from './tree-model.js';
import { parseBaseScore, parseXgboostJson } from './xgboost.js';

/** One stump: x[f] < cond ? left : right (missing → left), with covers 2/1/1. */
function stump(id: number, f: number, cond: number, left: number, right: number) {
  return {
    base_weights: [0, left, right],
    categories: [] as number[],
    categories_nodes: [] as number[],
    categories_segments: [] as number[],
    categories_sizes: [] as number[],
    default_left: [1, 0, 0],
    id,
    left_children: [1, -1, -1],
    loss_changes: [3, 0, 0],
    parents: [2147483647, 0, 0],
    right_children: [2, -1, -1],
    split_conditions: [cond, left, right],
    split_indices: [f, 0, 0],
    split_type: [0, 0, 0],
    sum_hessian: [2, 1, 1],
    tree_param: { num_deleted: '0', num_feature: '2', num_nodes: '3', size_leaf_vector: '0' },
  };
}

function xgbJson(options: { objective?: string; booster?: string; baseScore?: string; numClass?: number; trees?: ReturnType<typeof stump>[]; treeInfo?: number[]; cats?: unknown } = {}): string {
  const trees = options.trees ?? [stump(0, 0, 0.5, -0.4, 0.6), stump(1, 1, 1.5, 0.2, -0.1)];
  return JSON.stringify({
    learner: {
      attributes: {},
      feature_names: ['age', 'income'],
      feature_types: [],
      gradient_booster: { model: { gbtree_model_param: { num_parallel_tree: '1', num_trees: String(trees.length), size_leaf_vector: '0' }, tree_info: options.treeInfo ?? trees.map(() => 0), trees, ...(options.cats ? { cats: options.cats } : {}) }, name: options.booster ?? 'gbtree' },
      learner_model_param: { base_score: options.baseScore ?? '5E-1', boost_from_average: '1', num_class: String(options.numClass ?? 0), num_feature: '2', num_target: '1' },
      objective: { name: options.objective ?? 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
    },
    version: [2, 0, 3],
  });
}

describe('XGBoost JSON models', () => {
  it('scores with the float32 split rule, default directions and logit(base_score) as margin offset', () => {
    const e = parseXgboostJson(xgbJson({ baseScore: '[2E-1]' }), 'm.json');
    expect(e.featureNames).toEqual(['age', 'income']);
    const rows = Float64Array.of(0, 0, 1, 2, Number.NaN, Number.NaN, 0.5, 1.5);
    const margin = predictMargin(e, rows, 4);
    const offset = Math.fround(Math.log(0.2 / 0.8));
    const f32 = (v: number) => Math.fround(v);
    expect(margin[0]).toBeCloseTo(f32(f32(offset + f32(-0.4)) + f32(0.2)), 7);
    expect(margin[1]).toBeCloseTo(offset + 0.6 - 0.1, 6);
    expect(margin[2]).toBeCloseTo(offset - 0.4 + 0.2, 6); // NaN → default left in both trees
    expect(margin[3]).toBeCloseTo(offset + 0.6 - 0.1, 6); // 0.5 < 0.5 is false → right
  });

  it('categorical splits send the listed categories right and everything else (also invalid codes) left', () => {
    const cat = { ...stump(0, 0, 0, -1, 1), split_type: [1, 0, 0], categories: [1, 3, 40], categories_nodes: [0], categories_segments: [0], categories_sizes: [3] };
    const e = parseXgboostJson(xgbJson({ objective: 'reg:squarederror', baseScore: '0', trees: [cat] }), 'cat.json');
    const margin = predictMargin(e, Float64Array.of(1, 0, 3, 0, 40, 0, 0, 0, 2, 0, -1, 0, 99, 0, Number.NaN, 0), 8);
    expect(Array.from(margin)).toEqual([1, 1, 1, -1, -1, -1, -1, -1]);
  });

  it('reads the category names an XGBoost ≥ 3.1 file holds (cats: UTF-8 bytes cut at offsets, or integers)', () => {
    const names = ['blue', 'grün', 'red'];
    const bytes = names.map((n) => Array.from(new TextEncoder().encode(n), (b) => (b > 127 ? b - 256 : b))); // written as signed bytes
    const offsets = bytes.reduce((acc, b) => [...acc, acc[acc.length - 1]! + b.length], [0]);
    const cats = { enc: [{ type: 5, values: [] }, { offsets, values: bytes.flat() }], feature_segments: [0, 0, 3], sorted_idx: [0, 1, 2] };
    expect(parseXgboostJson(xgbJson({ cats }), 'cats.json').featureCategories).toEqual([null, names]);
    const ints = { enc: [{ type: 4, values: [7, -1, 3] }, { type: 5, values: [] }], feature_segments: [0, 3, 3], sorted_idx: [1, 2, 0] };
    expect(parseXgboostJson(xgbJson({ cats: ints }), 'ints.json').featureCategories).toEqual([['7', '-1', '3'], null]);
    expect(parseXgboostJson(xgbJson({ cats: { enc: [], feature_segments: [], sorted_idx: [] } }), 'none.json').featureCategories).toBeUndefined();
    expect(() => parseXgboostJson(xgbJson({ cats: { enc: [{ offsets: [0, 9], values: [98] }, null] } }), 'bad.json')).toThrow(/bad.json: feature 0: category offsets 0..9 fall outside its 1 bytes/);
  });

  it('reads base_score in every spelling XGBoost writes', () => {
    expect(parseBaseScore('5E-1', 1, 'f')).toEqual([0.5]);
    expect(parseBaseScore('[5E-1]', 1, 'f')).toEqual([0.5]);
    expect(parseBaseScore(0.25, 2, 'f')).toEqual([0.25, 0.25]);
    expect(parseBaseScore('[1E-1,2E-1]', 2, 'f')).toEqual([0.1, 0.2]);
    expect(() => parseBaseScore('abc', 1, 'f')).toThrow(/base_score "abc" is not a number/);
  });

  it('multi:softprob: tree_info assigns trees to classes, base_score is an untransformed margin', () => {
    const text = xgbJson({ objective: 'multi:softprob', numClass: 2, baseScore: '5E-1', trees: [stump(0, 0, 0.5, 1, -1), stump(1, 0, 0.5, -1, 1)], treeInfo: [0, 1] });
    const e = parseXgboostJson(text, 'multi.json');
    expect(e.nGroups).toBe(2);
    const margin = predictMargin(e, Float64Array.of(0, 0), 1);
    expect(Array.from(margin)).toEqual([1.5, -0.5]);
    const p = marginsToOutputs(e, margin, 1);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(treeModel(e).outputWidth).toBe(2);
  });

  it('reg:squarederror keeps base_score as is', () => {
    const e = parseXgboostJson(xgbJson({ objective: 'reg:squarederror', baseScore: '3E0' }), 'reg.json');
    expect(e.task).toBe('regression');
    expect(predictMargin(e, Float64Array.of(0, 0), 1)[0]).toBeCloseTo(3 - 0.4 + 0.2, 6);
  });

  it('names unsupported boosters, unknown objectives and corrupted files', () => {
    expect(() => parseXgboostJson(xgbJson({ booster: 'dart' }), 'd.json')).toThrow(/the "dart" booster is not supported/);
    expect(() => parseXgboostJson(xgbJson({ booster: 'gblinear' }), 'l.json')).toThrow(/the "gblinear" booster is not supported/);
    expect(() => parseXgboostJson(xgbJson({ objective: 'rank:pairwise' }), 'r.json')).toThrow(/unknown XGBoost objective "rank:pairwise"/);
    const full = xgbJson();
    expect(() => parseXgboostJson(full.slice(0, full.length - 30), 'cut.json')).toThrow(/cut\.json: not valid JSON/);
    expect(() => parseTreeEnsemble(new TextEncoder().encode(full.slice(0, 300)), 'cut.json')).toThrow(/cut\.json/);
    const broken = JSON.parse(full) as { learner: { gradient_booster: { model: { trees: { left_children: number[] }[] } } } };
    broken.learner.gradient_booster.model.trees[0]!.left_children = [7, -1, -1];
    expect(() => parseXgboostJson(JSON.stringify(broken), 'b.json')).toThrow(/tree 0 node 0 has children 7\/2/);
  });

  it('detects the format by content and rejects data of the wrong width', async () => {
    const bytes = new TextEncoder().encode(xgbJson());
    expect(detectTreeFormat(bytes)).toBe('xgboost-json');
    expect(detectTreeFormat(new TextEncoder().encode('{"modelTopology": {}}'))).toBeUndefined();
    const model = treeModel(parseTreeEnsemble(bytes, 'm.json'), { classes: ['good', 'bad'] });
    expect(model.classes).toEqual(['good', 'bad']);
    await expect(model.predict({ data: new Float32Array(3), shape: [1, 3] })).rejects.toThrow(/expects input \[batch, 2\] but got \[1, 3\]/);
  });
});

describe('generic model loader', () => {
  it('loadModel dispatches XGBoost JSON to the native tree adapter', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadModel } = await import('../load-model.js');
    const { isTreeEnsemble } = await import('../capabilities.js');
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-trees-'));
    const path = join(dir, 'model.json');
    await writeFile(path, xgbJson());
    const model = await loadModel(path, { classes: ['no', 'yes'] });
    expect(isTreeEnsemble(model)).toBe(true);
    expect(model.classes).toEqual(['no', 'yes']);
  });
});
