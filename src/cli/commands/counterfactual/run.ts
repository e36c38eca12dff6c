import { takeRows } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { recordFromRaw } from '../../../encode/record-fields.js';
import type { EncodedFeature } from '../../../encode/encoder.js';
import { GlassboxError } from '../../../errors.js';
import { diceCounterfactuals } from '../../../explain/counterfactuals/dice-genetic.js';
import { measureFeatureSpace } from '../../../explain/counterfactuals/feature-space.js';
import { nearestCounterfactual } from '../../../explain/counterfactuals/nearest.js';
import { counterfactualResultToJson, type CounterfactualResult } from '../../../explain/counterfactuals/types.js';
import type { Model } from '../../../model/model.js';
import { pipeline } from '../../../model/pipeline.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, selectRows } from '../../options.js';

export interface CounterfactualFlags extends InputFlags {
  rows?: string;
  method?: string;
  count?: string;
  immutable?: string;
  mutable?: string;
  class?: string;
  metric?: string;
  normalisation?: string;
  seed?: string;
  format?: string;
}

/**
 * `glassbox counterfactual`: every flag is checked before the data is read; the reference rows (ranges,
 * nearest candidates) are the training split when the schema has one, else every row; each query row
 * gets its counterfactuals, re-predicted.
 */
export async function runCounterfactual(flags: CounterfactualFlags): Promise<string> {
  const method = parseChoice('--method', flags.method, ['dice', 'nearest'] as const, 'dice');
  const format = parseChoice('--format', flags.format, ['json', 'table'] as const, 'table');
  const metric = parseChoice('--metric', flags.metric, ['l1', 'l2'] as const, 'l1');
  const normalisation = parseChoice('--normalisation', flags.normalisation, ['mad', 'range'] as const, 'mad');
  const count = parseIntegerFlag('--count', flags.count, 4, 1);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  if (method === 'nearest' && (flags.immutable || flags.mutable)) throw new GlassboxError('invalid_argument', '--immutable/--mutable apply to --method dice: a nearest counterfactual is a data row and cannot hold features fixed.', { argument: flags.immutable ? '--immutable' : '--mutable', hint: 'Drop the flag, or use --method dice.' });
  const inputs = await loadInputs(flags, { seed: 0, requireLabels: false });
  try {
    if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'glassbox counterfactual works on tabular rows: pass --schema or --preprocess so the encoder is known.', { argument: '--preprocess' });
    const encoder = inputs.encoder;
    const pipe = pipeline(inputs.model, encoder);
    const table = inputs.all;
    const reference = rawMatrixFromTable(inputs.train ?? table, encoder.features);
    const referenceIds = (inputs.train ?? table).rowIds;
    const space = measureFeatureSpace(encoder.features, reference, normalisation);
    const predictions = await pipe.predictRaw(reference);
    const target = flags.class === undefined ? undefined : classIndex(flags.class, inputs.model);
    const picked = takeRows(table, selectRows(table, flags.rows, 1));
    const queries = rawMatrixFromTable(picked, encoder.features);
    const f = queries.nFeatures;
    const results: CounterfactualResult[] = [];
    for (let i = 0; i < picked.nRows; i++) {
      const query = { data: queries.data.slice(i * f, (i + 1) * f), nRows: 1, nFeatures: f };
      const common = { metric, normalisation, count, ...(target === undefined ? {} : { target }) };
      results.push(
        method === 'nearest'
          ? await nearestCounterfactual(pipe, query, { data: reference, rowIds: referenceIds, predictions, space }, common)
          : await diceCounterfactuals(pipe, query, { data: reference, predictions, space }, { ...common, seed, ...(flags.immutable ? { immutable: parseList(flags.immutable) } : {}), ...(flags.mutable ? { mutable: parseList(flags.mutable) } : {}) }),
      );
    }
    const rowIds = Array.from(picked.rowIds);
    if (format === 'json') {
      const json = results.map((r) => {
        const j = counterfactualResultToJson(r);
        return { ...j, counterfactuals: (j.counterfactuals as Record<string, unknown>[]).map((c, k) => ({ ...c, features: recordFromRaw(encoder.features, r.counterfactuals[k]!.values) })) };
      });
      return `${JSON.stringify({ classes: inputs.model.classes, rowIds, results: json })}\n`;
    }
    return results.map((r, i) => describe(r, rowIds[i]!, inputs.model, encoder.features)).join('\n');
  } finally {
    await inputs.model.dispose?.();
  }
}

function classIndex(value: string, model: Model): number {
  const byName = model.classes.indexOf(value);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(value) && Number(value) < model.outputWidth) return Number(value);
  throw new GlassboxError('invalid_argument', `--class ${value} is not a class of the model (${model.classes.join(', ')}).`, { argument: '--class' });
}

function describe(r: CounterfactualResult, rowId: number, model: Model, features: readonly EncodedFeature[]): string {
  const name = (k: number): string => model.classes[k] ?? String(k);
  const show = (j: number, v: number): string => (features[j]!.type === 'categorical' ? (features[j]!.categories?.[v] ?? '?') : String(Number(v.toFixed(4))));
  const head = `row ${rowId}: predicted ${name(r.query.predictedClass)} (p = ${r.query.outputs[r.query.predictedClass]!.toFixed(3)}); ${r.method === 'nearest' ? 'nearest data rows' : 'counterfactuals'} predicted ${r.desiredClass < 0 ? 'otherwise' : name(r.desiredClass)}${r.immutable.length > 0 ? ` (held: ${r.immutable.join(', ')})` : ''}:`;
  const lines = r.counterfactuals.map((c, k) => {
    const changes = c.changed.map((n) => {
      const j = r.featureNames.indexOf(n);
      return `${n} ${show(j, r.query.values[j]!)} → ${show(j, c.values[j]!)}`;
    });
    return `  ${k + 1}. ${changes.join(', ')}  ⇒ ${name(c.predictedClass)} (p = ${c.outputs[c.predictedClass]!.toFixed(3)}, distance ${c.distance.toFixed(3)}${c.rowId === undefined ? '' : `, data row ${c.rowId}`})`;
  });
  return [head, ...lines, ...r.notes.map((n) => `  note: ${n}`)].join('\n') + '\n';
}
