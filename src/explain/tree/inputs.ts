import type { RawMatrix } from '../../encode/encoder.js';
import { inputToFeatureIndex } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import { isTreeEnsemble } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { Tensor } from '../../model/tensor.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';

export type TreeSubject = Pipeline | Model;
export type TreeInput = RawMatrix | Tensor;

/** The tree model, its IR, and how model-input columns map back to the features being reported. */
export interface ResolvedSubject {
  readonly model: Model;
  readonly ensemble: TreeEnsemble;
  readonly pipeline?: Pipeline;
  /** Reported feature of each model-input column (identity unless an encoder expands features). */
  readonly columnToFeature: Int32Array;
  readonly featureNames: readonly string[];
}

function isPipeline(subject: TreeSubject): subject is Pipeline {
  return typeof (subject as Partial<Pipeline>).predictRaw === 'function' && 'encoder' in subject;
}

function isTreeEnsembleIr(value: unknown): value is TreeEnsemble {
  const e = value as Partial<TreeEnsemble> | null;
  return !!e && e.feature instanceof Int32Array && e.treeStart instanceof Int32Array && typeof e.nFeatures === 'number';
}

/** Finds the tree ensemble behind a Model or Pipeline, or throws `missing_capability`. */
export function resolveSubject(method: string, subject: TreeSubject): ResolvedSubject {
  const pipeline = isPipeline(subject) ? subject : undefined;
  const model = pipeline ? pipeline.model : (subject as Model);
  if (!isTreeEnsemble(model)) {
    throw new GlassboxError('missing_capability', `${method} needs a tree-ensemble model (XGBoost, LightGBM or ONNX TreeEnsemble), and this model does not provide one`, {
      argument: 'model',
      capability: 'tree-ensemble',
      hint: 'Load the model with loadTreeModel(), or use a model-agnostic method such as kernel-shap.',
    });
  }
  const ensemble = model.treeEnsemble();
  if (!isTreeEnsembleIr(ensemble)) throw new GlassboxError('internal', `${method}: the model's treeEnsemble() did not return the tree IR`);
  if (!pipeline) {
    return { model, ensemble, columnToFeature: Int32Array.from({ length: ensemble.nFeatures }, (_, j) => j), featureNames: ensemble.featureNames };
  }
  if (pipeline.encoder.outputWidth !== ensemble.nFeatures) {
    throw new GlassboxError('shape_mismatch', `The encoder produces ${pipeline.encoder.outputWidth} columns but the tree model has ${ensemble.nFeatures} features`, {
      argument: 'pipeline',
      hint: 'Use the encoder the trees were trained with (tree models usually take ordinal codes and raw numbers).',
    });
  }
  return { model, ensemble, pipeline, columnToFeature: inputToFeatureIndex(pipeline.encoder), featureNames: pipeline.encoder.features.map((f) => f.name) };
}

function isTensor(x: TreeInput): x is Tensor {
  return Array.isArray((x as Partial<Tensor>).shape);
}

/**
 * Turns the explained rows (or background) into model-input rows at the ensemble's precision:
 * a RawMatrix is encoded through the pipeline's encoder (or used as is for a bare model), a Tensor
 * must already be [rows, nFeatures].
 */
export function modelRows(resolved: ResolvedSubject, x: TreeInput, argument: string): { rows: Float64Array; nRows: number } {
  const e = resolved.ensemble;
  let data: ArrayLike<number>;
  let nRows: number;
  let width: number;
  if (isTensor(x)) {
    nRows = x.shape[0] ?? 0;
    width = x.shape.length === 2 ? x.shape[1]! : -1;
    data = x.data;
  } else if (resolved.pipeline) {
    const expected = resolved.pipeline.encoder.features.length;
    if (x.nFeatures !== expected) throw mismatch(argument, x.nFeatures, expected, 'raw features');
    nRows = x.nRows;
    data = resolved.pipeline.encoder.encode(x);
    width = resolved.pipeline.encoder.outputWidth;
  } else {
    nRows = x.nRows;
    width = x.nFeatures;
    data = x.data;
  }
  if (width !== e.nFeatures || data.length !== nRows * e.nFeatures) throw mismatch(argument, width, e.nFeatures, 'columns');
  if (nRows === 0) throw new GlassboxError('invalid_input', `${argument} has no rows`, { argument, hint: 'Pass at least one row.' });
  const rows = new Float64Array(nRows * e.nFeatures);
  if (e.inputPrecision === 'float32') for (let i = 0; i < rows.length; i++) rows[i] = Math.fround(data[i]!);
  else for (let i = 0; i < rows.length; i++) rows[i] = data[i]!;
  return { rows, nRows };
}

function mismatch(argument: string, got: number, expected: number, what: string): GlassboxError {
  return new GlassboxError('shape_mismatch', `${argument} has ${got} ${what} per row but the tree model expects ${expected}`, {
    argument,
    hint: `Pass rows with exactly the ${expected} ${what} the model was trained on, in training order.`,
  });
}
