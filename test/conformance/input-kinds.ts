import { buildGraph, values } from '../fixtures/onnx/build-graph.js';
import { handEnsemble, randomTree } from '../fixtures/trees/hand-trees.js';
import type { RawMatrix } from '../../src/encode/encoder.js';
import type { TextClassifier } from '../../src/explain/text/classifier.js';
import type { Model } from '../../src/model/model.js';
import { loadOnnxGradModel, smallCnnOnnx } from '../../src/model/onnx-grad/public.js';
import type { OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { Tensor } from '../../src/model/tensor.js';
import { treeModel } from '../../src/model/trees/tree-model.js';
import { Rng } from '../../src/rng.js';
import { mixedFixture } from './fixtures.js';

/** One fixture per explainer input kind (see ExplainerInputKind in src/explain/registry.ts). */

/** Tabular: a Pipeline (standardise + one-hot → a small model) on 4 raw rows of 5 features. */
export function tabularKind(): ReturnType<typeof mixedFixture> & { row: (m: RawMatrix, i: number) => RawMatrix } {
  return { ...mixedFixture(2), row: (m, i) => ({ data: m.data.slice(i * m.nFeatures, (i + 1) * m.nFeatures), nRows: 1, nFeatures: m.nFeatures }) };
}

/** Tree: a random 3-tree ensemble over 4 features as a Model, 5 rows as a tensor. */
export function treeKind(): { model: Model; x: Tensor; row: (t: Tensor, i: number) => Tensor } {
  const rng = new Rng(11);
  const ensemble = handEnsemble([randomTree(rng, 3, 4), randomTree(rng, 4, 4), randomTree(rng, 2, 4)], 4, { base: 0.1 });
  const x: Tensor = { data: Float32Array.from({ length: 20 }, () => Math.round(rng.normal() * 4) / 2), shape: [5, 4] };
  return { model: treeModel(ensemble), x, row: (t, i) => ({ data: t.data.slice(i * 4, i * 4 + 4), shape: [1, 4] }) };
}

/** Tensor (model-agnostic images): P(class 1) follows the mean red intensity of the top-left quadrant of a 3×16×16 image. */
export function imageKind(): { model: Model; x: Tensor; row: (t: Tensor, i: number) => Tensor } {
  const model: Model = {
    task: 'binary',
    classes: ['no', 'yes'],
    inputSpec: { name: 'x', shape: [null, 3, 16, 16], dtype: 'float32' },
    outputWidth: 2,
    async predict(x: Tensor) {
      const n = x.shape[0]!;
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let y = 0; y < 8; y++) for (let xx = 0; xx < 8; xx++) s += x.data[i * 768 + y * 16 + xx]!;
        const p = 1 / (1 + Math.exp(-(8 * (s / 64) - 4)));
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
      return out;
    },
  };
  const quadrants = (flip: boolean): number[] =>
    Array.from({ length: 768 }, (_, k) => {
      const c = Math.floor(k / 256);
      const y = Math.floor((k % 256) / 16);
      const xx = k % 16;
      const colour = y < 8 ? (xx < 8 ? [1, 0, 0] : [0, 1, 0]) : xx < 8 ? [0, 0, 1] : [1, 1, 1];
      return flip ? 1 - colour[c]! : colour[c]!;
    });
  return { model, x: { data: Float32Array.from([...quadrants(false), ...quadrants(true)]), shape: [2, 3, 16, 16] }, row: (t, i) => ({ data: t.data.slice(i * 768, (i + 1) * 768), shape: [1, 3, 16, 16] }) };
}

/** Gradient (dense): Gemm → Tanh ('t') → Gemm, 4 inputs, 3 classes, 5 rows; `linear` is a single Gemm of the same shape. */
export function denseGradientKind(): { model: () => Promise<OnnxGradModel>; linear: () => Promise<OnnxGradModel>; x: Tensor; target: Int32Array; row: (t: Tensor, i: number) => Tensor } {
  const bytes = buildGraph({
    opset: 13,
    inputs: { input: [1, 4] },
    inits: { w1: { dims: [4, 6], values: values(24, 3) }, b1: { dims: [6], values: values(6, 4) }, w2: { dims: [6, 3], values: values(18, 5) }, b2: { dims: [3], values: values(3, 6) } },
    nodes: [
      { op: 'Gemm', inputs: ['input', 'w1', 'b1'], outputs: ['h'] },
      { op: 'Tanh', inputs: ['h'], outputs: ['t'] },
      { op: 'Gemm', inputs: ['t', 'w2', 'b2'], outputs: ['logits'] },
    ],
    outputs: ['logits'],
  });
  const linearBytes = buildGraph({
    opset: 13,
    inputs: { input: [1, 4] },
    inits: { w: { dims: [4, 3], values: values(12, 1) }, b: { dims: [3], values: values(3, 2) } },
    nodes: [{ op: 'Gemm', inputs: ['input', 'w', 'b'], outputs: ['logits'] }],
    outputs: ['logits'],
  });
  let model: Promise<OnnxGradModel> | undefined;
  let linear: Promise<OnnxGradModel> | undefined;
  return {
    model: () => (model ??= loadOnnxGradModel(bytes, { classes: ['a', 'b', 'c'] })),
    linear: () => (linear ??= loadOnnxGradModel(linearBytes, { classes: ['a', 'b', 'c'] })),
    x: { data: Float32Array.from(values(20, 9, -2, 2)), shape: [5, 4] },
    target: Int32Array.from([0, 1, 2, 1, 0]),
    row: (t, i) => ({ data: t.data.slice(i * 4, i * 4 + 4), shape: [1, 4] }),
  };
}

/** Gradient (convolutional): Conv 3×3 ('conv') → Relu → MaxPool → Gemm on 1×8×8 images, 3 classes, 3 rows. */
export function convGradientKind(): { model: () => Promise<OnnxGradModel>; x: Tensor; target: Int32Array; row: (t: Tensor, i: number) => Tensor } {
  const rng = new Rng(21);
  const w = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const bytes = smallCnnOnnx({ channels: 1, height: 8, width: 8, filters: 2, classes: 3, convW: w(18, 0.5), convB: w(2, 0.1), denseW: w(2 * 4 * 4 * 3, 0.3), denseB: w(3, 0.1) });
  let model: Promise<OnnxGradModel> | undefined;
  return {
    model: () => (model ??= loadOnnxGradModel(bytes, { classes: ['a', 'b', 'c'] })),
    x: { data: Float32Array.from({ length: 3 * 64 }, () => rng.next()), shape: [3, 1, 8, 8] },
    target: Int32Array.from([0, 1, 2]),
    row: (t, i) => ({ data: t.data.slice(i * 64, (i + 1) * 64), shape: [1, 1, 8, 8] }),
  };
}

/** A gradient model with its gradient methods removed (for the missing-capability check). */
export function withoutGradients(m: OnnxGradModel): OnnxGradModel {
  return { task: m.task, classes: m.classes, inputSpec: m.inputSpec, outputWidth: m.outputWidth, predict: (t: Tensor) => m.predict(t), forward: (t: Tensor) => m.forward(t) } as unknown as OnnxGradModel;
}

/** Text: P(negative) rises with 'awful' and 'bad' and falls with 'great'. */
export function textKind(): { classifier: TextClassifier; docs: readonly string[]; row: (d: readonly string[], i: number) => readonly string[] } {
  const classifier: TextClassifier = {
    task: 'binary',
    classes: ['pos', 'neg'],
    outputWidth: 2,
    async predictTexts(texts) {
      const out = new Float32Array(texts.length * 2);
      texts.forEach((t, i) => {
        const words = t.toLowerCase().split(/\W+/);
        const z = 2 * words.filter((w) => w === 'awful').length + words.filter((w) => w === 'bad').length - 1.5 * words.filter((w) => w === 'great').length;
        const p = 1 / (1 + Math.exp(-z));
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      });
      return out;
    },
  };
  return { classifier, docs: ['good bad awful', 'great great movie', 'bad'], row: (d, i) => [d[i]!] };
}
