import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { detectModelFormat } from '../load-model.js';
import { detectTreeFormat } from './load.js';
import { parseOnnxTrees } from './onnx-trees.js';
import { marginsToOutputs, predictMargin, sigmoid } from './score.js';

const { onnx } = onnxProto;
const T = onnx.AttributeProto.AttributeType;

type AttrValue = number[] | string[] | string | number;

function attr(name: string, value: AttrValue, kind: 'ints' | 'floats' | 'strings' | 's' | 'i'): onnxProto.onnx.AttributeProto {
  switch (kind) {
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: value as number[] });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: value as number[] });
    case 'strings':
      return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
    case 's':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value as string) });
    case 'i':
      return onnx.AttributeProto.create({ name, type: T.INT, i: value as number });
  }
}

interface NodeSpec {
  tree: number;
  id: number;
  mode: string;
  f?: number;
  v?: number;
  t?: number;
  e?: number;
  tracks?: number;
}

function nodeAttrs(nodes: NodeSpec[]): onnxProto.onnx.AttributeProto[] {
  return [
    attr('nodes_treeids', nodes.map((n) => n.tree), 'ints'),
    attr('nodes_nodeids', nodes.map((n) => n.id), 'ints'),
    attr('nodes_featureids', nodes.map((n) => n.f ?? 0), 'ints'),
    attr('nodes_values', nodes.map((n) => n.v ?? 0), 'floats'),
    attr('nodes_modes', nodes.map((n) => n.mode), 'strings'),
    attr('nodes_truenodeids', nodes.map((n) => n.t ?? 0), 'ints'),
    attr('nodes_falsenodeids', nodes.map((n) => n.e ?? 0), 'ints'),
    attr('nodes_missing_value_tracks_true', nodes.map((n) => n.tracks ?? 0), 'ints'),
  ];
}

function modelBytes(op: 'TreeEnsembleRegressor' | 'TreeEnsembleClassifier', attributes: onnxProto.onnx.AttributeProto[], width: number, outputs: { name: string; elem: number; cols?: number }[]): Uint8Array {
  const valueInfo = (name: string, elem: number, cols?: number) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: elem, shape: { dim: cols === undefined ? [{ dimParam: 'N' }] : [{ dimParam: 'N' }, { dimValue: cols }] } } } });
  const node = onnx.NodeProto.create({ opType: op, domain: 'ai.onnx.ml', input: ['X'], output: outputs.map((o) => o.name), attribute: attributes });
  const graph = onnx.GraphProto.create({ name: 'trees', node: [node], input: [valueInfo('X', 1, width)], output: outputs.map((o) => valueInfo(o.name, o.elem, o.cols)) });
  const model = onnx.ModelProto.create({ irVersion: 7, producerName: 'glassbox-test', graph, opsetImport: [{ domain: '', version: 13 }, { domain: 'ai.onnx.ml', version: 1 }] });
  return onnx.ModelProto.encode(model).finish();
}

async function runOrt(bytes: Uint8Array, rows: number[][], output: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const width = rows[0]!.length;
  const result = await session.run({ X: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) });
  return result[output]!.data as Float32Array;
}

// Tree 0: x0 ≤ 1.5 (NaN → true) ? 1 : (x1 > 0.5 ? 2 : −1); tree 1: x2 == 3 ? 0.5 : −0.5;
// tree 2: x1 ≥ 1 ? (x0 < 3 ? 0.1 : 0.2) : (x0 ≠ 2 ? 0.25 : −0.25). base 0.5.
const REGRESSOR_NODES: NodeSpec[] = [
  { tree: 0, id: 0, mode: 'BRANCH_LEQ', f: 0, v: 1.5, t: 1, e: 2, tracks: 1 },
  { tree: 0, id: 1, mode: 'LEAF' },
  { tree: 0, id: 2, mode: 'BRANCH_GT', f: 1, v: 0.5, t: 3, e: 4 },
  { tree: 0, id: 3, mode: 'LEAF' },
  { tree: 0, id: 4, mode: 'LEAF' },
  { tree: 1, id: 0, mode: 'BRANCH_EQ', f: 2, v: 3, t: 1, e: 2 },
  { tree: 1, id: 1, mode: 'LEAF' },
  { tree: 1, id: 2, mode: 'LEAF' },
  { tree: 2, id: 0, mode: 'BRANCH_GTE', f: 1, v: 1, t: 1, e: 2 },
  { tree: 2, id: 1, mode: 'BRANCH_LT', f: 0, v: 3, t: 3, e: 4 },
  { tree: 2, id: 2, mode: 'BRANCH_NEQ', f: 0, v: 2, t: 5, e: 6 },
  { tree: 2, id: 3, mode: 'LEAF' },
  { tree: 2, id: 4, mode: 'LEAF' },
  { tree: 2, id: 5, mode: 'LEAF' },
  { tree: 2, id: 6, mode: 'LEAF' },
];
const REGRESSOR_LEAVES: [number, number, number][] = [
  [0, 1, 1],
  [0, 3, 2],
  [0, 4, -1],
  [1, 1, 0.5],
  [1, 2, -0.5],
  [2, 3, 0.1],
  [2, 4, 0.2],
  [2, 5, 0.25],
  [2, 6, -0.25],
];
const ROWS = [
  [1, 0, 3],
  [2, 1, 0],
  [Number.NaN, 2, 3],
  [2, Number.NaN, Number.NaN],
  [3, 0.7, 1],
  [Number.NaN, 0, 0],
];
// traced by hand from the node list above (each includes base 0.5)
const REGRESSOR_EXPECTED = [2.25, 2.1, 2.2, -1.25, 2.25, 1.25];

function regressorBytes(aggregate = 'SUM'): Uint8Array {
  return modelBytes(
    'TreeEnsembleRegressor',
    [
      ...nodeAttrs(REGRESSOR_NODES),
      attr('target_treeids', REGRESSOR_LEAVES.map((l) => l[0]), 'ints'),
      attr('target_nodeids', REGRESSOR_LEAVES.map((l) => l[1]), 'ints'),
      attr('target_ids', REGRESSOR_LEAVES.map(() => 0), 'ints'),
      attr('target_weights', REGRESSOR_LEAVES.map((l) => l[2]), 'floats'),
      attr('n_targets', 1, 'i'),
      attr('base_values', [0.5], 'floats'),
      attr('aggregate_function', aggregate, 's'),
      attr('post_transform', 'NONE', 's'),
    ],
    3,
    [{ name: 'Y', elem: 1, cols: 1 }],
  );
}

describe('ONNX TreeEnsemble models', () => {
  it('regressor: all branch modes and missing_value_tracks_true match the hand trace and onnxruntime', async () => {
    const bytes = regressorBytes();
    expect(detectTreeFormat(bytes)).toBe('onnx-trees');
    // loadModel routes the file to the tree scorer (it skips decoding graphs without a TreeEnsemble op)
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-onnx-trees-'));
    try {
      await writeFile(join(dir, 'reg.onnx'), bytes);
      expect(await detectModelFormat(join(dir, 'reg.onnx'))).toBe('onnx-trees');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const e = parseOnnxTrees(bytes, 'reg.onnx');
    expect(e.nFeatures).toBe(3);
    const margin = predictMargin(e, Float64Array.from(ROWS.flat()), ROWS.length);
    REGRESSOR_EXPECTED.forEach((v, i) => expect(margin[i]).toBeCloseTo(v, 6));
    const viaOrt = await runOrt(bytes, ROWS, 'Y');
    ROWS.forEach((_, i) => expect(margin[i]).toBeCloseTo(viaOrt[i]!, 6));
  });

  it('regressor with aggregate_function AVERAGE divides by the number of trees, as onnxruntime does', async () => {
    const bytes = regressorBytes('AVERAGE');
    const e = parseOnnxTrees(bytes, 'avg.onnx');
    const margin = predictMargin(e, Float64Array.from(ROWS.flat()), ROWS.length);
    const viaOrt = await runOrt(bytes, ROWS, 'Y');
    REGRESSOR_EXPECTED.forEach((v, i) => {
      expect(margin[i]).toBeCloseTo((v - 0.5) / 3 + 0.5, 6);
      expect(margin[i]).toBeCloseTo(viaOrt[i]!, 6);
    });
  });

  it('binary classifier exported as onnxmltools does (one score column, LOGISTIC) gives [1 − p, p]', async () => {
    const nodes: NodeSpec[] = [
      { tree: 0, id: 0, mode: 'BRANCH_LT', f: 0, v: 1, t: 1, e: 2 },
      { tree: 0, id: 1, mode: 'LEAF' },
      { tree: 0, id: 2, mode: 'LEAF' },
      { tree: 1, id: 0, mode: 'BRANCH_LT', f: 1, v: 0.5, t: 1, e: 2, tracks: 1 },
      { tree: 1, id: 1, mode: 'LEAF' },
      { tree: 1, id: 2, mode: 'LEAF' },
    ];
    const bytes = modelBytes(
      'TreeEnsembleClassifier',
      [
        ...nodeAttrs(nodes),
        attr('class_treeids', [0, 0, 1, 1], 'ints'),
        attr('class_nodeids', [1, 2, 1, 2], 'ints'),
        attr('class_ids', [0, 0, 0, 0], 'ints'),
        attr('class_weights', [0.4, -0.6, 0.3, -0.2], 'floats'),
        attr('classlabels_int64s', [0, 1], 'ints'),
        attr('post_transform', 'LOGISTIC', 's'),
      ],
      2,
      [
        { name: 'label', elem: 7 },
        { name: 'probabilities', elem: 1, cols: 2 },
      ],
    );
    const e = parseOnnxTrees(bytes, 'bin.onnx');
    expect(e.task).toBe('binary');
    expect(e.nGroups).toBe(1);
    const rows = [
      [0, 0],
      [2, 1],
      [Number.NaN, Number.NaN],
    ];
    const margin = predictMargin(e, Float64Array.from(rows.flat()), 3);
    expect(Array.from(margin, (v) => Number(v.toFixed(6)))).toEqual([0.7, -0.8, -0.3]);
    const p = marginsToOutputs(e, margin, 3);
    const viaOrt = await runOrt(bytes, rows, 'probabilities');
    for (let i = 0; i < 3; i++) {
      expect(p[2 * i + 1]).toBeCloseTo(sigmoid(margin[i]!), 12);
      expect(p[2 * i]).toBeCloseTo(viaOrt[2 * i]!, 6);
      expect(p[2 * i + 1]).toBeCloseTo(viaOrt[2 * i + 1]!, 6);
    }
  });

  it('multiclass SOFTMAX classifier: leaves with weights for several classes become one tree per class', async () => {
    const nodes: NodeSpec[] = [
      { tree: 0, id: 0, mode: 'BRANCH_LEQ', f: 0, v: 0.5, t: 1, e: 2 },
      { tree: 0, id: 1, mode: 'LEAF' },
      { tree: 0, id: 2, mode: 'LEAF' },
      { tree: 1, id: 0, mode: 'BRANCH_LEQ', f: 1, v: 0.5, t: 1, e: 2 },
      { tree: 1, id: 1, mode: 'LEAF' },
      { tree: 1, id: 2, mode: 'LEAF' },
    ];
    const leaves: [number, number, number, number][] = [
      [0, 1, 0, 1],
      [0, 1, 1, 0.2],
      [0, 1, 2, -0.5],
      [0, 2, 0, -1],
      [0, 2, 1, 0.4],
      [0, 2, 2, 0.3],
      [1, 1, 2, 0.8],
      [1, 2, 2, -0.8],
    ];
    const bytes = modelBytes(
      'TreeEnsembleClassifier',
      [
        ...nodeAttrs(nodes),
        attr('class_treeids', leaves.map((l) => l[0]), 'ints'),
        attr('class_nodeids', leaves.map((l) => l[1]), 'ints'),
        attr('class_ids', leaves.map((l) => l[2]), 'ints'),
        attr('class_weights', leaves.map((l) => l[3]), 'floats'),
        attr('classlabels_strings', ['a', 'b', 'c'], 'strings'),
        attr('base_values', [0.1, 0, -0.1], 'floats'),
        attr('post_transform', 'SOFTMAX', 's'),
      ],
      2,
      [
        { name: 'label', elem: 8 },
        { name: 'probabilities', elem: 1, cols: 3 },
      ],
    );
    const e = parseOnnxTrees(bytes, 'multi.onnx');
    expect(e.classes).toEqual(['a', 'b', 'c']);
    expect(e.nGroups).toBe(3);
    expect(e.nTrees).toBe(4);
    const rows = [
      [0, 0],
      [1, 1],
      [0, 1],
    ];
    const margin = predictMargin(e, Float64Array.from(rows.flat()), 3);
    // row 0: class a 1 + 0.1, b 0.2, c −0.5 + 0.8 − 0.1
    expect(margin[0]).toBeCloseTo(1.1, 6);
    expect(margin[2]).toBeCloseTo(0.2, 6);
    const p = marginsToOutputs(e, margin, 3);
    const viaOrt = await runOrt(bytes, rows, 'probabilities');
    for (let i = 0; i < 9; i++) expect(p[i]).toBeCloseTo(viaOrt[i]!, 6);
  });

  it('names unsupported post transforms and corrupted bytes', () => {
    const bad = regressorBytes().slice(0, 40);
    expect(() => parseOnnxTrees(bad, 'cut.onnx')).toThrow(/cut\.onnx/);
    const probit = modelBytes('TreeEnsembleRegressor', [...nodeAttrs(REGRESSOR_NODES.slice(5, 8)), attr('target_treeids', [1, 1], 'ints'), attr('target_nodeids', [1, 2], 'ints'), attr('target_ids', [0, 0], 'ints'), attr('target_weights', [1, 2], 'floats'), attr('post_transform', 'PROBIT', 's')], 3, [{ name: 'Y', elem: 1, cols: 1 }]);
    expect(() => parseOnnxTrees(probit, 'probit.onnx')).toThrow(/post_transform PROBIT is not supported/);
  });
});

describe('ONNX models without covers', () => {
  it('attachCovers counts rows through each node so path-dependent TreeSHAP becomes available', async () => {
    const { attachCovers } = await import('./covers.js');
    const { treeShap } = await import('../../explain/tree-shap.js');
    const { treeModel } = await import('./tree-model.js');
    const e = parseOnnxTrees(regressorBytes(), 'reg.onnx');
    expect(e.hasCover).toBe(false);
    await expect(treeShap({ threads: 1 }).explain(treeModel(e), { data: Float32Array.of(1, 0, 3), shape: [1, 3] })).rejects.toThrow(/stores no node covers/);
    const train = Float64Array.from(ROWS.flat());
    const withCovers = attachCovers(e, train, ROWS.length);
    expect(withCovers.cover[withCovers.treeStart[0]!]).toBe(ROWS.length);
    const a = await treeShap({ threads: 1 }).explain(treeModel(withCovers), { data: Float32Array.of(1, 0, 3, 2, 1, 0), shape: [2, 3] });
    for (let r = 0; r < 2; r++) expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-6);
  });
});
