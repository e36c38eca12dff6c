import { readFileSync } from 'node:fs';
import { GlassboxError } from '../errors.js';
import { applySchema } from '../data/apply-schema.js';
import { inferSchema } from '../data/infer-schema.js';
import { loadTable } from '../data/load-table.js';
import { loadSchema } from '../data/parse-schema.js';
import { labelsOf, splitTrainTest } from '../data/schema-helpers.js';
import type { Schema } from '../data/schema.js';
import { findColumn } from '../data/table.js';
import type { Table } from '../data/table.js';
import { rawMatrixFromTable } from '../encode/raw-matrix.js';
import { pipeline } from '../model/pipeline.js';
import { outcomesFromDecisions, outcomesFromScores } from '../slice/outcomes.js';
import type { Outcomes } from '../slice/outcomes.js';
import { excludeOutcomeColumns, refuseOutcomeColumns } from '../slice/outcome-columns.js';
import type { OutcomeColumns } from '../slice/outcome-columns.js';
import { loadInputs, type InputFlags } from './load-inputs.js';
import { labelColumn } from './input-options.js';

/** Flags shared by `glassbox slices` and `glassbox fairness`. */
export interface AuditFlags extends InputFlags {
  predictions?: string;
  threshold?: string;
  format?: string;
  seed?: string;
}

/** What both commands audit: labelled rows, their outcomes (binary, positive = last class) and the schema. */
export interface AuditInputs {
  readonly table: Table;
  readonly schema: Schema;
  readonly outcomes: Outcomes;
  readonly classes: readonly string[];
  /** The column of the data that --predictions named, if it named one (never a slice feature or group). */
  readonly predictionsColumn?: string;
}

function parseThreshold(value: string | undefined): number {
  const t = value === undefined ? 0.5 : Number(value);
  if (!Number.isFinite(t)) throw new GlassboxError('invalid_argument', `--threshold must be a number; got "${value}".`, { argument: '--threshold', hint: 'e.g. --threshold 0.5' });
  return t;
}

/** Scores or hard labels from --predictions: a column of the data, a JSON file from `glassbox predict`, or a one-column CSV. */
function readPredictions(spec: string, table: Table, classes: readonly string[]): { scores?: Float64Array; hard?: Int32Array } {
  const column = findColumn(table, spec);
  if (column?.kind === 'numeric') {
    const v = column.values;
    const hard = v.every((x) => x === 0 || x === 1);
    return hard ? { hard: Int32Array.from(v) } : { scores: Float64Array.from(v) };
  }
  if (column?.kind === 'categorical') return { hard: Int32Array.from(column.codes, (c) => classes.indexOf(column.categories[c] ?? '')) };
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch {
    throw new GlassboxError('invalid_argument', `--predictions "${spec}" is neither a column of the data nor a readable file.`, { argument: '--predictions', hint: `Name a column (${table.columns.map((c) => c.name).join(', ')}) or a JSON/CSV file.` });
  }
  if (spec.endsWith('.json')) {
    const json = JSON.parse(text) as { outputs?: number[][]; rowIds?: number[] };
    if (!Array.isArray(json.outputs)) throw new GlassboxError('invalid_input', `${spec}: expected {"classes": [...], "outputs": number[rows][classes]} as written by glassbox predict.`, { file: spec, hint: 'Run glassbox predict --format json > file.json' });
    const scores = Float64Array.from(json.outputs, (row) => row[row.length - 1] ?? Number.NaN);
    return { scores: Array.isArray(json.rowIds) ? alignByRowId(spec, scores, json.rowIds, table) : scores };
  }
  const lines = text.trim().split(/\r?\n/);
  const values = (Number.isFinite(Number(lines[0])) ? lines : lines.slice(1)).map(Number);
  return values.every((x) => x === 0 || x === 1) ? { hard: Int32Array.from(values) } : { scores: Float64Array.from(values) };
}

/** Scores written with their data row ids (glassbox predict's JSON) are matched to the audited rows by id. */
function alignByRowId(spec: string, scores: Float64Array, rowIds: readonly number[], table: Table): Float64Array {
  const byId = new Map(rowIds.map((id, k) => [id, scores[k]!]));
  const missing = Array.from(table.rowIds).filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new GlassboxError('shape_mismatch', `${spec} has no prediction for ${missing.length} audited rows (data row ids ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}).`, { file: spec, hint: 'Predict every row of the data file: glassbox predict --data FILE --format json (without --rows).' });
  }
  return Float64Array.from(table.rowIds, (id) => byId.get(id)!);
}

async function dataOnly(flags: AuditFlags): Promise<{ table: Table; schema: Schema }> {
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the labelled data to audit.', { argument: '--data', hint: 'e.g. --data test.csv --predictions score' });
  const given = flags.schema ? loadSchema(flags.schema) : undefined;
  const loaded = await loadTable(flags.data, given ? { schema: given } : {});
  const target = labelColumn(flags);
  const schema = given ?? inferSchema(loaded, target ? { target } : {});
  const table = applySchema(loaded, schema);
  return { table: schema.split ? splitTrainTest(table, schema).test : table, schema };
}

/** fairness reads --protected itself (quartiles of the audited rows), so the inputs keep the schema's attributes. */
function withoutProtected(flags: AuditFlags): AuditFlags {
  const { protected: _protected, ...rest } = flags as AuditFlags & { protected?: string };
  return rest;
}

/**
 * Resolves the rows and outcomes to audit: model outputs (--model) or precomputed predictions
 * (--predictions FILE|COLUMN; scores become decisions at --threshold, hard labels are taken as they are).
 */
export async function loadAuditInputs(flags: AuditFlags): Promise<AuditInputs> {
  const threshold = parseThreshold(flags.threshold);
  if (flags.model && flags.predictions) throw new GlassboxError('invalid_argument', 'Use either --model or --predictions, not both.', { argument: '--predictions' });
  if (!flags.model && !flags.predictions && !flags.demo) throw new GlassboxError('invalid_argument', 'Give --model (to run the model) or --predictions (to audit precomputed outputs).', { argument: '--model', hint: 'e.g. --predictions score_column' });
  const base = flags.predictions ? await dataOnly(flags) : await loadInputs(withoutProtected(flags), { seed: 0 });
  const { table, schema } = base;
  const classes = schema.target?.classes ?? ['0', '1'];
  const labels = labelsOf(table, schema);
  let outcomes: Outcomes;
  const predictionsColumn = flags.predictions && findColumn(table, flags.predictions) ? flags.predictions : undefined;
  if (flags.predictions) {
    const p = readPredictions(flags.predictions, table, classes);
    const n = (p.scores ?? p.hard)!.length;
    if (n !== table.nRows) throw new GlassboxError('shape_mismatch', `--predictions has ${n} rows but the audited data has ${table.nRows}.`, { argument: '--predictions', hint: 'Predictions must be aligned with the audited (test) rows.' });
    outcomes = p.scores ? outcomesFromScores(labels, p.scores, { threshold, positiveClass: classes.length - 1 }) : outcomesFromDecisions(labels, p.hard!, { positiveClass: classes.length - 1 });
  } else {
    const inputs = base as Awaited<ReturnType<typeof loadInputs>>;
    if (!inputs.encoder) {
      await inputs.model.dispose?.();
      throw new GlassboxError('invalid_argument', `${flags.data ?? `--demo ${flags.demo ?? ''}`}: slices and fairness audit tabular rows; this is image or text data.`, { argument: '--data', hint: 'Run glassbox scan on image or text models: it audits them per class and slices them by per-image statistics.' });
    }
    const outputs = await pipeline(inputs.model, inputs.encoder).predictRaw(rawMatrixFromTable(table, inputs.encoder.features));
    const w = inputs.model.outputWidth;
    outcomes = outcomesFromScores(labels, Float64Array.from({ length: table.nRows }, (_, i) => outputs[i * w + w - 1]!), { threshold, positiveClass: classes.length - 1 });
  }
  return { table, schema, outcomes, classes, ...(predictionsColumn ? { predictionsColumn } : {}) };
}

/**
 * The outcome columns of an audit (label, --predictions column, split) and its per-row outcomes, so that
 * slice search and groupings leave them and anything derived from them out. Scores count only when they
 * came from --predictions: a model's scores are a function of its inputs by construction.
 */
export function auditOutcomeColumns(audit: AuditInputs, fromPredictions: boolean): OutcomeColumns {
  return {
    label: audit.schema.target?.name,
    predictions: audit.predictionsColumn,
    split: audit.schema.split?.column,
    labels: audit.outcomes.labels,
    decisions: audit.outcomes.decisions,
    ...(fromPredictions && audit.outcomes.scores ? { scores: audit.outcomes.scores } : {}),
  };
}

/** Refuses columns a user named explicitly (--features, --protected) that are the label, predictions or split. */
export function refuseNamedOutcomeColumns(audit: AuditInputs, names: readonly string[], argument: string): void {
  const roles = auditOutcomeColumns(audit, false);
  const { excluded } = excludeOutcomeColumns(audit.table, names, { label: roles.label, predictions: roles.predictions, split: roles.split });
  refuseOutcomeColumns(excluded, argument);
}
