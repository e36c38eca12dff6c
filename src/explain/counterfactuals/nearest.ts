import { z } from 'zod';
import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import type { Pipeline } from '../../model/pipeline.js';
import { parseOptions } from '../options.js';
import { argmaxRow, desiredClass, reaches } from './desired-class.js';
import { changedFeatures, measureFeatureSpace, rowDistance, type FeatureSpace } from './feature-space.js';
import type { Counterfactual, CounterfactualResult } from './types.js';

export const nearestOptionsSchema = z
  .object({
    metric: z.enum(['l1', 'l2']).default('l1'),
    normalisation: z.enum(['range', 'mad']).default('mad'),
    /** Class index to reach (default: the other class, or any other class). */
    target: z.number().int().min(0).optional(),
    /** How many nearest rows to return. */
    count: z.number().int().min(1).max(100).default(1),
  })
  .strict();
export type NearestOptions = z.input<typeof nearestOptionsSchema>;

export interface NearestInputs {
  /** The data rows to search (ordinal-coded raw features). */
  readonly data: RawMatrix;
  /** Their 0-based data row ids (default 0..n−1). */
  readonly rowIds?: Int32Array;
  /** The model's outputs on `data`, when already computed (n × outputWidth); predicted otherwise. */
  readonly predictions?: Float32Array;
  /** Feature ranges and scales (default: measured on `data`). */
  readonly space?: FeatureSpace;
}

/**
 * What-If Tool's nearest counterfactual (Wexler et al. 2019): the data rows closest to the query,
 * by L1 or L2 distance on normalised features (numbers divided by their range or MAD, categories
 * differing by 1), among the rows the model predicts as the desired class. Each returned row is
 * re-predicted to verify it. A data row cannot hold features fixed, so immutability does not apply.
 */
export async function nearestCounterfactual(pipe: Pipeline, query: RawMatrix, inputs: NearestInputs, options: NearestOptions = {}): Promise<CounterfactualResult> {
  const opts = parseOptions('nearestCounterfactual', nearestOptionsSchema, options);
  checkQuery(query, inputs.data);
  const width = pipe.model.outputWidth;
  const space = inputs.space ?? measureFeatureSpace(pipe.encoder.features, inputs.data, opts.normalisation);
  const queryOut = await pipe.predictRaw(query);
  const queryClass = argmaxRow(queryOut, 0, width);
  const desired = desiredClass(pipe.model, queryClass, opts.target);
  const predictions = inputs.predictions ?? (await pipe.predictRaw(inputs.data));
  const f = query.nFeatures;
  const candidates: { row: number; distance: number }[] = [];
  for (let i = 0; i < inputs.data.nRows; i++) {
    if (!reaches(predictions, i, width, desired, queryClass)) continue;
    candidates.push({ row: i, distance: rowDistance(space, query.data, 0, inputs.data.data, i * f, opts.metric) });
  }
  candidates.sort((a, b) => a.distance - b.distance || a.row - b.row);
  const chosen = candidates.slice(0, opts.count);
  const values = chosen.map((c) => inputs.data.data.slice(c.row * f, (c.row + 1) * f));
  const verified = chosen.length > 0 ? await pipe.predictRaw({ data: concat(values, f), nRows: chosen.length, nFeatures: f }) : new Float32Array(0);
  const counterfactuals: Counterfactual[] = [];
  const notes: string[] = [];
  chosen.forEach((c, k) => {
    const outputs = Float64Array.from(verified.subarray(k * width, (k + 1) * width));
    if (!reaches(outputs, 0, width, desired, queryClass)) {
      notes.push(`data row ${inputs.rowIds?.[c.row] ?? c.row} changed class when re-predicted; it was left out.`);
      return;
    }
    counterfactuals.push({ values: values[k]!, changed: changedFeatures(space, query.data, values[k]!), distance: c.distance, outputs, predictedClass: argmaxRow(outputs, 0, width), rowId: inputs.rowIds?.[c.row] ?? c.row });
  });
  if (candidates.length === 0) notes.push('No data row is predicted as the desired class.');
  return { method: 'nearest', featureNames: space.names, query: { values: query.data.slice(0, f), outputs: Float64Array.from(queryOut), predictedClass: queryClass }, desiredClass: desired, counterfactuals, metric: opts.metric, normalisation: space.normalisation, scales: space.scale, immutable: [], options: { ...opts }, notes };
}

export function checkQuery(query: RawMatrix, data: RawMatrix): void {
  if (query.nRows !== 1) throw new GlassboxError('invalid_argument', `counterfactuals explain one row at a time; got ${query.nRows}.`, { argument: 'query' });
  if (query.nFeatures !== data.nFeatures) throw new GlassboxError('shape_mismatch', `counterfactuals: the query has ${query.nFeatures} features but the data has ${data.nFeatures}.`, { argument: 'query' });
  for (let j = 0; j < query.nFeatures; j++) {
    if (Number.isNaN(query.data[j]!)) throw new GlassboxError('invalid_input', `counterfactuals: feature ${j} of the query is missing; give every feature a value.`, { argument: 'query', column: String(j) });
  }
}

export function concat(rows: readonly Float64Array[], f: number): Float64Array {
  const out = new Float64Array(rows.length * f);
  rows.forEach((r, i) => out.set(r, i * f));
  return out;
}
