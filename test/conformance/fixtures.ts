import type { EncodedFeature, Encoder, RawMatrix } from '../../src/encode/encoder.js';
import type { Model, Task } from '../../src/model/model.js';
import type { Tensor } from '../../src/model/tensor.js';
import { pipeline } from '../../src/model/pipeline.js';
import type { Pipeline } from '../../src/model/pipeline.js';
import { Rng } from '../../src/rng.js';

/** A feature for the tiny test encoder: numeric (standardised) or categorical (one-hot). */
export type TinyFeature = { name: string; type: 'numeric'; mean?: number; std?: number } | { name: string; type: 'categorical'; categories: string[] };

/** A small separable encoder (standardize + one-hot) for tests that must not depend on src/encode. */
export function tinyEncoder(spec: readonly TinyFeature[]): Encoder {
  let offset = 0;
  const features: EncodedFeature[] = spec.map((f) => {
    const width = f.type === 'numeric' ? 1 : f.categories.length;
    const out: EncodedFeature = f.type === 'numeric' ? { name: f.name, type: 'numeric', offset, width } : { name: f.name, type: 'categorical', categories: f.categories, offset, width };
    offset += width;
    return out;
  });
  const outputWidth = offset;
  return {
    features,
    outputWidth,
    encode(raw: RawMatrix, out?: Float32Array): Float32Array {
      const y = out ?? new Float32Array(raw.nRows * outputWidth);
      y.fill(0, 0, raw.nRows * outputWidth);
      for (let r = 0; r < raw.nRows; r++) {
        for (let j = 0; j < spec.length; j++) {
          const f = spec[j]!;
          const v = raw.data[r * raw.nFeatures + j]!;
          const feat = features[j]!;
          if (f.type === 'numeric') y[r * outputWidth + feat.offset] = (v - (f.mean ?? 0)) / (f.std ?? 1);
          else if (Number.isInteger(v) && v >= 0 && v < feat.width) y[r * outputWidth + feat.offset + v] = 1;
        }
      }
      return y;
    },
  };
}

/** A Model from a JS function of one encoded row returning its outputs (probabilities or a value). */
export function fnModel(width: number, outputWidth: number, fn: (row: Float32Array) => ArrayLike<number>, task: Task = outputWidth === 1 ? 'regression' : outputWidth === 2 ? 'binary' : 'multiclass'): Model & { calls: number } {
  const model = {
    task,
    classes: task === 'regression' ? [] : Array.from({ length: outputWidth }, (_, i) => `c${i}`),
    inputSpec: { name: 'input', shape: [null, width], dtype: 'float32' as const },
    outputWidth,
    calls: 0,
    async predict(x: Tensor): Promise<Float32Array> {
      model.calls++;
      const n = x.shape[0]!;
      const out = new Float32Array(n * outputWidth);
      for (let r = 0; r < n; r++) out.set(fn(x.data.subarray(r * width, (r + 1) * width)), r * outputWidth);
      return out;
    },
  };
  return model;
}

/** A float64 regression "model" that keeps full precision (for 1e-9 axiom checks). */
export function linearModel(weights: readonly number[], bias = 0): Model & { calls: number } {
  return fnModel(weights.length, 1, (row) => {
    let s = bias;
    for (let i = 0; i < weights.length; i++) s += weights[i]! * row[i]!;
    return [s];
  });
}

export function rawMatrix(rows: readonly (readonly number[])[]): RawMatrix {
  const nFeatures = rows[0]?.length ?? 0;
  return { data: Float64Array.from(rows.flat()), nRows: rows.length, nFeatures };
}

/** A mixed tabular fixture: 3 numeric + 2 categorical features, a nonlinear binary classifier. */
export function mixedFixture(seed = 1): { pipe: Pipeline; x: RawMatrix; background: RawMatrix; names: string[] } {
  const encoder = tinyEncoder([
    { name: 'a', type: 'numeric', mean: 1, std: 2 },
    { name: 'b', type: 'numeric' },
    { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
    { name: 'c', type: 'numeric', mean: -1, std: 0.5 },
    { name: 'size', type: 'categorical', categories: ['s', 'm'] },
  ]);
  const model = fnModel(encoder.outputWidth, 2, (r) => {
    const z = 0.8 * r[0]! - 0.5 * r[1]! * r[4]! + 1.2 * r[3]! - 0.7 * r[5]! + 0.3 * r[5]! * r[6]! + 0.9 * r[7]! - 0.2;
    const p = 1 / (1 + Math.exp(-z));
    return [1 - p, p];
  });
  const rng = new Rng(seed);
  const draw = (n: number): RawMatrix =>
    rawMatrix(Array.from({ length: n }, () => [rng.normal() * 2 + 1, rng.normal(), rng.int(3), rng.normal() * 0.5 - 1, rng.int(2)]));
  return { pipe: pipeline(model, encoder), x: draw(4), background: draw(12), names: ['a', 'b', 'colour', 'c', 'size'] };
}
