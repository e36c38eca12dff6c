import { GlassboxError } from '../../errors.js';
import type { TreeEnsembleCapable } from '../capabilities.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import type { Tensor } from '../tensor.js';
import type { TreeEnsemble } from './ir.js';
import { marginsToOutputs, predictMargin } from './score.js';

/** A tree-ensemble model scored natively in TypeScript (no onnxruntime), exposing its IR. */
export interface TreeModel extends Model, TreeEnsembleCapable {
  treeEnsemble(): TreeEnsemble;
  /** Raw margins (log-odds for logistic links), n × nGroups, float64. */
  margin(x: Tensor): Float64Array;
  /** The model's outputs as float64: class probabilities (binary: [1 − p, p]) or regression values. */
  probability(x: Tensor): Float64Array;
}

function rows(e: TreeEnsemble, x: Tensor): number {
  const width = x.shape[x.shape.length - 1];
  if (x.shape.length !== 2 || width !== e.nFeatures) {
    throw new GlassboxError('shape_mismatch', `The tree model expects input [batch, ${e.nFeatures}] but got [${x.shape.join(', ')}]`, {
      argument: 'x',
      hint: `Pass the ${e.nFeatures} model features (${e.featureNames.slice(0, 4).join(', ')}${e.nFeatures > 4 ? ', …' : ''}) as columns, in training order.`,
    });
  }
  return x.shape[0]!;
}

/**
 * Wraps a parsed TreeEnsemble as a Model. `classes` overrides the class labels (e.g. ['good', 'bad']
 * for a binary model whose label 1 is 'bad'); their count must match the model's.
 */
export function treeModel(e: TreeEnsemble, options: { classes?: readonly string[]; inputName?: string } = {}): TreeModel {
  const task: Task = e.task;
  const defaultClasses = task === 'regression' ? [] : e.classes.length > 0 ? e.classes : Array.from({ length: task === 'binary' ? 2 : e.nGroups }, (_, k) => String(k));
  const classes = options.classes ?? defaultClasses;
  if (classes.length !== defaultClasses.length) {
    throw new GlassboxError('invalid_argument', `classes has ${classes.length} labels but the tree model has ${defaultClasses.length} output classes`, { argument: 'classes', hint: `Pass ${defaultClasses.length} labels in output order.` });
  }
  const inputSpec: InputSpec = { name: options.inputName ?? 'input', shape: [null, e.nFeatures], dtype: 'float32' };
  const outputWidth = task === 'regression' ? e.nGroups : classes.length;
  const margin = (x: Tensor): Float64Array => predictMargin(e, x.data, rows(e, x));
  const probability = (x: Tensor): Float64Array => marginsToOutputs(e, margin(x), rows(e, x));
  return Object.freeze({
    task,
    classes,
    inputSpec,
    outputWidth,
    treeEnsemble: () => e,
    margin,
    probability,
    predict(x: Tensor, _options?: PredictOptions): Promise<Float32Array> {
      try {
        return Promise.resolve(Float32Array.from(probability(x)));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
  });
}
