import type { RawMatrix } from '../../encode/encoder.js';
import { throwIfAborted } from '../../errors.js';
import { checkInput } from '../batch-predict.js';
import type { InputColumn, InputSpec, Model, PredictOptions } from '../model.js';
import type { Tensor } from '../tensor.js';
import type { LearnerFeature } from './binning.js';
import type { LearnerTask } from './gam/types.js';

export interface LearnerModelOptions {
  readonly task: LearnerTask;
  /** Binary: [negative, positive] labels (default ["0", "1"]). */
  readonly classes?: readonly string[];
  readonly features: readonly LearnerFeature[];
  /** Scores of raw rows: logits (binary) or values (regression). */
  readonly score: (raw: RawMatrix) => Float64Array;
  /** Names the model (e.g. "glassbox GAM"). */
  readonly name: string;
}

const BATCH = 65536;

/**
 * An interpretable learner as a glassbox Model that takes raw columns (`inputColumns`: numbers as
 * values, categories as codes into their list), so every analysis and the scan can audit it. Binary
 * models return [1 − σ(s), σ(s)] per row; regression models their value.
 */
export function learnerModel(options: LearnerModelOptions): Model {
  const F = options.features.length;
  const inputSpec: InputSpec = Object.freeze({ name: options.name, shape: Object.freeze([null, F]), dtype: 'float32' as const });
  const inputColumns: InputColumn[] = options.features.map((f) => (f.type === 'categorical' ? { name: f.name, kind: 'categorical' as const, categories: [...(f.categories ?? [])] } : { name: f.name, kind: 'numeric' as const }));
  const binary = options.task === 'binary';
  const outputWidth = binary ? 2 : 1;
  return Object.freeze({
    task: options.task,
    classes: binary ? Object.freeze([...(options.classes ?? ['0', '1'])]) : Object.freeze([]),
    inputSpec,
    inputColumns: Object.freeze(inputColumns),
    outputWidth,
    async predict(x: Tensor, predictOptions: PredictOptions = {}): Promise<Float32Array> {
      const { nRows } = checkInput(x, inputSpec, options.name);
      const out = new Float32Array(nRows * outputWidth);
      for (let start = 0; start < nRows; start += BATCH) {
        throwIfAborted(predictOptions.signal);
        const end = Math.min(nRows, start + BATCH);
        const scores = options.score({ data: Float64Array.from(x.data.subarray(start * F, end * F)), nRows: end - start, nFeatures: F });
        for (let i = 0; i < end - start; i++) {
          if (binary) {
            const p = 1 / (1 + Math.exp(-scores[i]!));
            out[(start + i) * 2] = 1 - p;
            out[(start + i) * 2 + 1] = p;
          } else out[start + i] = scores[i]!;
        }
      }
      return out;
    },
  });
}
