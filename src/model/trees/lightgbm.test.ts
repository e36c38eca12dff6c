import { describe, expect, it } from 'vitest';
import { parseLightgbmText } from './lightgbm.js';
import { marginsToOutputs, predictMargin, sigmoid } from './score.js';
import { treeModel } from './tree-model.js';

const HEADER = (objective: string, perIteration: number, sizes: number) => `tree
version=v4
num_class=${perIteration}
num_tree_per_iteration=${perIteration}
label_index=0
max_feature_idx=2
objective=${objective}
feature_names=a b c
feature_infos=[0:3] [0:1] 0:1:3
tree_sizes=${Array.from({ length: sizes }, () => '100').join(' ')}
`;

// Tree 0: numeric splits; node 0 has missing type None (NaN → 0, then 0 ≤ 1.5 → left),
// node 1 has missing type NaN with default right (decision_type 8).
const TREE0 = `Tree=0
num_leaves=3
num_cat=0
split_feature=0 1
split_gain=5 2
threshold=1.5 0.5
decision_type=2 8
left_child=-1 -2
right_child=1 -3
leaf_value=0.1 -0.2 0.3
leaf_weight=10 5 5
leaf_count=10 5 5
internal_value=0 0
internal_weight=20 10
internal_count=20 10
is_linear=0
shrinkage=1
`;
// Tree 1: categorical split on c; cat_threshold 10 = 0b1010 → categories 1 and 3 go left.
const TREE1 = `Tree=1
num_leaves=2
num_cat=1
split_feature=2
split_gain=3
threshold=0
decision_type=1
left_child=-1
right_child=-2
leaf_value=0.5 -0.5
leaf_count=8 12
internal_value=0
internal_count=20
cat_boundaries=0 1
cat_threshold=10
is_linear=0
shrinkage=1
`;
// Tree 2: missing type Zero with default left (decision_type 6): 0 and NaN go left although 0 > −0.5.
const TREE2 = `Tree=2
num_leaves=2
num_cat=0
split_feature=1
split_gain=1
threshold=-0.5
decision_type=6
left_child=-1
right_child=-2
leaf_value=0.25 -0.25
leaf_count=15 5
internal_value=0
internal_count=20
is_linear=0
shrinkage=1
`;
const BINARY = `${HEADER('binary sigmoid:1', 1, 3)}\n${TREE0}\n${TREE1}\n${TREE2}\nend of trees\n\nfeature_importances:\na=1\n`;

const ROWS = [
  [1, 0, 1],
  [2, Number.NaN, 2],
  [Number.NaN, 1, Number.NaN],
  [3, 0.2, 3],
];
// Hand-traced: 0.1 + 0.5 + 0.25; 0.3 − 0.5 + 0.25; 0.1 − 0.5 − 0.25; −0.2 + 0.5 − 0.25
const EXPECTED = [0.85, 0.05, -0.65, 0.05];

describe('LightGBM text models', () => {
  it('scores numerical (None/Zero/NaN missing types) and categorical splits as LightGBM does', () => {
    const e = parseLightgbmText(BINARY, 'fixture.txt');
    expect(e.nFeatures).toBe(3);
    expect(e.featureNames).toEqual(['a', 'b', 'c']);
    expect(e.link).toBe('logistic');
    const margin = predictMargin(e, Float64Array.from(ROWS.flat()), ROWS.length);
    EXPECTED.forEach((v, i) => expect(margin[i]).toBeCloseTo(v, 12));
    const p = marginsToOutputs(e, margin, ROWS.length);
    EXPECTED.forEach((v, i) => expect(p[2 * i + 1]).toBeCloseTo(sigmoid(v), 12));
  });

  it('reads multiclass models (num_tree_per_iteration = 3, single-leaf trees) with softmax', () => {
    const tree = (id: number, leaves: string) => `Tree=${id}
num_leaves=2
num_cat=0
split_feature=0
split_gain=1
threshold=1
decision_type=2
left_child=-1
right_child=-2
leaf_value=${leaves}
leaf_count=5 5
internal_value=0
internal_count=10
is_linear=0
shrinkage=1
`;
    const single = `Tree=2
num_leaves=1
num_cat=0
leaf_value=0.7
is_linear=0
shrinkage=1
`;
    const text = `${HEADER('multiclass num_class:3', 3, 3)}\n${tree(0, '1 -1')}\n${tree(1, '-0.5 0.5')}\n${single}\nend of trees\n`;
    const e = parseLightgbmText(text, 'multi.txt');
    expect(e.nGroups).toBe(3);
    const margin = predictMargin(e, Float64Array.of(0, 0, 0, 2, 0, 0), 2);
    expect(Array.from(margin)).toEqual([1, -0.5, 0.7, -1, 0.5, 0.7]);
    const p = marginsToOutputs(e, margin, 2);
    const z = Math.exp(1) + Math.exp(-0.5) + Math.exp(0.7);
    expect(p[0]).toBeCloseTo(Math.exp(1) / z, 12);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
    expect(treeModel(e).outputWidth).toBe(3);
  });

  it('tree-shap explains each class of a multiclass model in its own margin, with local accuracy', async () => {
    const { treeShap } = await import('../../explain/tree-shap.js');
    const text = `${HEADER('multiclass num_class:2', 2, 2)}\n${TREE0}\n${TREE1}\nend of trees\n`;
    const e = parseLightgbmText(text, 'multi2.txt');
    const model = treeModel(e);
    const x = { data: Float32Array.from([1, 0, 1, 3, 0.2, 3, 2, 1, 2]), shape: [3, 3] };
    const margin = predictMargin(e, Float64Array.from(x.data), 3);
    for (const target of [0, 1]) {
      const a = await treeShap({ threads: 1 }).explain(model, x, { target });
      for (let r = 0; r < 3; r++) {
        expect(a.outputs[r]).toBeCloseTo(margin[r * 2 + target]!, 12);
        expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-12);
      }
      // class 0 is tree 0 only (features a, b); class 1 is tree 1 only (feature c)
      if (target === 0) expect(a.values[2]).toBe(0);
      else expect(a.values[0]).toBe(0);
    }
  });

  it('reads NaN at a categorical split as LightGBM of the file\'s version does', () => {
    // categories 0 and 1 go left (cat_threshold 3); missing type None (decision_type 1)
    const tree = TREE1.replace('cat_threshold=10', 'cat_threshold=3');
    const text = (version: string) => `${HEADER('binary sigmoid:1', 1, 1).replace('version=v4', `version=${version}`)}\n${tree.replace('Tree=1', 'Tree=0')}\nend of trees\n`;
    const nanRow = Float64Array.of(0, 0, Number.NaN);
    expect(predictMargin(parseLightgbmText(text('v4'), 'v4.txt'), nanRow, 1)[0]).toBe(-0.5);
    expect(predictMargin(parseLightgbmText(text('v3'), 'v3.txt'), nanRow, 1)[0]).toBe(0.5);
  });

  it('uses leaf_count / internal_count as covers, so path-dependent TreeSHAP is available', () => {
    const e = parseLightgbmText(BINARY, 'fixture.txt');
    expect(e.hasCover).toBe(true);
    expect(e.cover[e.treeStart[0]!]).toBe(20);
  });

  it('rejects linear trees, unknown objectives, truncated files and inconsistent arrays by name', () => {
    expect(() => parseLightgbmText(BINARY.replace('is_linear=0', 'is_linear=1'), 'lin.txt')).toThrow(/lin\.txt: tree 0 is a linear tree/);
    expect(() => parseLightgbmText(BINARY.replace('binary sigmoid:1', 'lambdarank'), 'rank.txt')).toThrow(/unknown or unsupported LightGBM objective "lambdarank"/);
    expect(() => parseLightgbmText(BINARY.slice(0, BINARY.indexOf('Tree=2')), 'cut.txt')).toThrow(/cut\.txt: .*truncated/);
    expect(() => parseLightgbmText(BINARY.replace('leaf_value=0.1 -0.2 0.3', 'leaf_value=0.1 -0.2'), 'bad.txt')).toThrow(/tree 0: "leaf_value" has 2 values, expected 3/);
    expect(() => parseLightgbmText(BINARY.replace('left_child=-1 -2', 'left_child=-1 -7'), 'child.txt')).toThrow(/child index -7/);
    expect(() => parseLightgbmText('hello world', 'x.txt')).toThrow(/not a LightGBM text model/);
  });
});

describe('LightGBM pandas_categorical', () => {
  const model = (tail: string): string => `${HEADER('binary sigmoid:1', 1, 1)}\n${TREE1}\nend of trees\n\nparameters:\n[objective: binary]\n${tail}`;
  it('names the codes of the categorical features it lists, in feature order', () => {
    const e = parseLightgbmText(model('[categorical_feature: 2]\nend of parameters\n\npandas_categorical:[["x", "y", 3, "z"]]\n'));
    expect(e.featureCategories).toEqual([null, null, ['x', 'y', '3', 'z']]);
    // without the parameter line, feature_infos says which feature is categorical (c: 0:1:3)
    expect(parseLightgbmText(model('end of parameters\n\npandas_categorical:[["x", "y", "z", "w"]]\n')).featureCategories![2]).toEqual(['x', 'y', 'z', 'w']);
  });
  it('holds none when the file has none, null, or lists it cannot match to features', () => {
    expect(parseLightgbmText(model('end of parameters\n')).featureCategories).toBeUndefined();
    expect(parseLightgbmText(model('end of parameters\n\npandas_categorical:null\n')).featureCategories).toBeUndefined();
    expect(parseLightgbmText(model('end of parameters\n\npandas_categorical:[["a"], ["b"]]\n')).featureCategories).toBeUndefined();
  });
});
