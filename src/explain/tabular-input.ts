import { GlassboxError, throwIfAborted } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Attribution } from './attribution.js';
import type { ExplainContext } from './explainer.js';
import { TabularMasker } from './maskers/tabular.js';
import { assertCapabilities } from './requirements.js';
import { resolveTarget } from './target.js';

/** Checks that a raw matrix matches the pipeline's encoder; `argument` names it in the error. */
export function checkRawMatrix(pipeline: Pipeline, raw: RawMatrix, argument: string): void {
  const expected = pipeline.encoder.features.length;
  if (raw.nFeatures !== expected || raw.data.length !== raw.nRows * raw.nFeatures) {
    throw new GlassboxError('shape_mismatch', `${argument} has ${raw.nFeatures} raw features per row but the encoder expects ${expected}`, {
      argument,
      hint: 'Build the rows with the same schema/encoder as the pipeline (ordinal-coded, one column per raw feature).',
    });
  }
  if (raw.nRows === 0) throw new GlassboxError('invalid_input', `${argument} has no rows`, { argument, hint: 'Pass at least one row.' });
}

/** Raw-feature indices of the players: `features` (validated) or all features. */
export function resolvePlayers(features: readonly number[] | undefined, nFeatures: number): Int32Array {
  if (features === undefined) return Int32Array.from({ length: nFeatures }, (_, i) => i);
  const seen = new Set<number>();
  for (const j of features) {
    if (!Number.isInteger(j) || j < 0 || j >= nFeatures || seen.has(j)) {
      throw new GlassboxError('invalid_argument', `features contains ${j}, which is not a distinct raw-feature index in 0..${nFeatures - 1}`, {
        argument: 'features',
        hint: 'List each feature to explain once, by its index in the schema order.',
      });
    }
    seen.add(j);
  }
  if (features.length === 0) throw new GlassboxError('invalid_argument', 'features is empty', { argument: 'features', hint: 'Omit it to explain every feature.' });
  return Int32Array.from(features);
}

export function requireBackground(method: string, background: RawMatrix | undefined): RawMatrix {
  if (!background) {
    throw new GlassboxError('invalid_argument', `${method} needs a background set (context.background) to define "feature absent"`, {
      argument: 'background',
      hint: 'Pass a sample of training rows, e.g. 25–100 rows, as context.background.',
    });
  }
  return background;
}

/** What a per-row Shapley-type estimator returns. */
export interface RowResult {
  readonly values: Float64Array;
  readonly base: number;
  readonly stderr?: Float64Array;
  readonly extra?: Record<string, number>;
}

export type RowEstimator = (input: {
  readonly x: Float64Array;
  readonly row: number;
  readonly players: Int32Array;
  readonly target: number;
  readonly fx: Float64Array;
  readonly masker: TabularMasker;
  readonly signal: AbortSignal | undefined;
}) => Promise<RowResult>;

/**
 * The shared driver of tabular Shapley-type explainers: validates inputs, predicts the explained rows,
 * resolves targets, runs the estimator row by row (each row depends only on itself and the seed, so a
 * batch equals row-by-row calls) and assembles the Attribution.
 */
export async function explainTabularRows(args: {
  readonly method: string;
  readonly pipeline: Pipeline;
  readonly x: RawMatrix;
  readonly context: ExplainContext<RawMatrix> | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly withStderr: boolean;
  readonly estimate: RowEstimator;
}): Promise<Attribution> {
  const { method, pipeline, x, context } = args;
  assertCapabilities(method, [], pipeline.model);
  checkRawMatrix(pipeline, x, 'x');
  const background = requireBackground(method, context?.background);
  checkRawMatrix(pipeline, background, 'background');
  const players = resolvePlayers(context?.features, x.nFeatures);
  const signal = context?.signal;
  throwIfAborted(signal);
  const masker = new TabularMasker(pipeline, background);
  const fx = await masker.predict(x, signal);
  const width = masker.outputWidth;
  const target = resolveTarget(context?.target, fx, x.nRows, pipeline.model);
  const m = players.length;
  const values = new Float64Array(x.nRows * m);
  const stderr = args.withStderr ? new Float64Array(x.nRows * m) : undefined;
  const outputs = new Float64Array(x.nRows);
  const baseValues = new Float64Array(x.nRows);
  const delta = new Float64Array(x.nRows);
  const extras: Record<string, number[]> = {};
  for (let r = 0; r < x.nRows; r++) {
    throwIfAborted(signal);
    const row = x.data.subarray(r * x.nFeatures, (r + 1) * x.nFeatures);
    const rowFx = fx.subarray(r * width, (r + 1) * width);
    const result = await args.estimate({ x: row, row: r, players, target: target[r]!, fx: rowFx, masker, signal });
    values.set(result.values, r * m);
    if (stderr && result.stderr) stderr.set(result.stderr, r * m);
    outputs[r] = rowFx[target[r]!]!;
    baseValues[r] = result.base;
    let sum = 0;
    for (let j = 0; j < m; j++) sum += result.values[j]!;
    delta[r] = sum - (outputs[r]! - result.base);
    for (const [key, value] of Object.entries(result.extra ?? {})) (extras[key] ??= []).push(value);
    context?.onProgress?.(r + 1, x.nRows);
  }
  const names = pipeline.encoder.features.map((f) => f.name);
  return Object.freeze({
    method,
    values,
    shape: [x.nRows, m],
    baseValues,
    outputs,
    featureNames: Array.from(players, (j) => names[j]!),
    target,
    options: args.options,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    delta,
    ...(stderr ? { stderr } : {}),
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
  });
}
