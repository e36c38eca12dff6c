import { GlassboxError } from '../../../errors.js';
import { inferSchema } from '../../../data/infer-schema.js';
import { loadTable } from '../../../data/load-table.js';
import { loadSchema } from '../../../data/parse-schema.js';
import { splitTrainTest } from '../../../data/schema-helpers.js';
import type { Schema } from '../../../data/schema.js';
import type { ColumnKind, Table } from '../../../data/table.js';
import type { Encoder } from '../../../encode/encoder.js';
import type { Model } from '../../../model/model.js';
import { labelColumn } from '../../input-options.js';
import { loadInputs, loadMoreRows, type InputFlags } from '../../load-inputs.js';

export interface DriftInputFlags extends InputFlags {
  reference?: string;
}

/** What `glassbox drift` compares: two tables read alike, the features to test, and optionally a model. */
export interface DriftInputs {
  readonly reference: Table;
  readonly current: Table;
  readonly referenceName: string;
  readonly currentName: string;
  readonly schema: Schema;
  /** The features to test (numeric and categorical ones of the schema). */
  readonly features: readonly string[];
  /** With --model: the model, its encoder, and the two tables as the model reads them (categories coded against the encoding). */
  readonly scored?: { readonly model: Model; readonly encoder: Encoder; readonly reference: Table; readonly current: Table };
}

/**
 * Resolves --demo, or --reference/--data (or --data alone with a schema split) into two tables read with the
 * same column types, checks that both hold the same columns, and with --model loads the model and codes
 * both tables against its encoding (never refitted on the current data).
 */
export async function loadDriftInputs(flags: DriftInputFlags): Promise<DriftInputs> {
  if (flags.demo) return demoInputs(flags);
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the current data to compare with the reference.', { argument: '--data', hint: 'e.g. glassbox drift --reference train.csv --data current.csv' });
  const given = flags.schema ? loadSchema(flags.schema) : undefined;
  const csv = flags.delimiter ? { delimiter: flags.delimiter } : {};
  const target = labelColumn(flags);
  let reference: Table;
  let current: Table;
  let schema: Schema;
  if (flags.reference) {
    reference = await loadTable(flags.reference, { ...csv, ...(given ? { schema: given } : {}) });
    current = await loadTable(flags.data, { ...csv, ...(given ? { schema: given } : { columnTypes: kindsOf(reference) }) });
    schema = given ?? inferSchema(reference, target ? { target } : {});
  } else {
    const all = await loadTable(flags.data, { ...csv, ...(given ? { schema: given } : {}) });
    schema = given ?? inferSchema(all, target ? { target } : {});
    if (!schema.split) throw new GlassboxError('invalid_argument', `Missing --reference, and ${flags.data} has no train/test split column to take it from.`, { argument: '--reference', hint: 'e.g. --reference train.csv, or a schema with "split": {"column": "_is_test", "testValue": "True"}' });
    ({ train: reference, test: current } = splitTrainTest(all, schema));
  }
  const referenceName = flags.reference ?? `${flags.data} (train split)`;
  const currentName = flags.reference ? flags.data : `${flags.data} (test split)`;
  checkSameColumns(reference, current, schema, referenceName, currentName);
  const features = testedFeatures(schema, reference);
  if (!flags.model) return { reference, current, referenceName, currentName, schema, features };
  return { reference, current, referenceName, currentName, schema, features, scored: await scoredTables(flags, schema) };
}

function kindsOf(table: Table): Record<string, ColumnKind> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.kind]));
}

function testedFeatures(schema: Schema, table: Table): string[] {
  const names = schema.features.filter((f) => f.type === 'numeric' || f.type === 'categorical').map((f) => f.name);
  return names.filter((n) => table.columns.some((c) => c.name === n && c.kind !== 'text'));
}

/** Both files must hold the same columns (the current one may lack the label); the first difference is named. */
function checkSameColumns(reference: Table, current: Table, schema: Schema, referenceName: string, currentName: string): void {
  const optional = new Set([schema.target?.name, schema.split?.column].filter((n): n is string => n !== undefined));
  const inCurrent = new Set(current.columns.map((c) => c.name));
  const inReference = new Set(reference.columns.map((c) => c.name));
  const missing = reference.columns.find((c) => !inCurrent.has(c.name) && !optional.has(c.name));
  if (missing) throw new GlassboxError('schema_mismatch', `Column "${missing.name}" is in the reference data (${referenceName}) but not in the current data (${currentName}).`, { column: missing.name, file: currentName, hint: 'Both files must hold the same feature columns; rename or add the column, or drop it from both.' });
  const extra = current.columns.find((c) => !inReference.has(c.name) && !optional.has(c.name));
  if (extra) throw new GlassboxError('schema_mismatch', `Column "${extra.name}" is in the current data (${currentName}) but not in the reference data (${referenceName}).`, { column: extra.name, file: referenceName, hint: 'Both files must hold the same feature columns; rename or add the column, or drop it from both.' });
  for (const c of reference.columns) {
    const other = current.columns.find((d) => d.name === c.name);
    if (other && other.kind !== c.kind) {
      throw new GlassboxError('schema_mismatch', `Column "${c.name}" is ${c.kind} in ${referenceName} but ${other.kind} in ${currentName}.`, { column: c.name, file: currentName, hint: `Declare its type in a schema (--schema) so both files are read alike.` });
    }
  }
}

async function scoredTables(flags: DriftInputFlags, schema: Schema): Promise<NonNullable<DriftInputs['scored']>> {
  const target = schema.target?.name;
  const inputs = await loadInputs({ ...flags, ...(target && !flags.schema ? { target } : {}) }, { seed: 0, rows: flags.reference ? 'all' : 'test', requireLabels: false });
  if (!inputs.encoder) {
    await inputs.model.dispose?.();
    throw new GlassboxError('invalid_argument', `${flags.data}: drift compares tabular rows; this is image or text data.`, { argument: '--data' });
  }
  const reference = flags.reference ? await loadMoreRows(flags.reference, { schema: inputs.schema, encoder: inputs.encoder }, flags) : inputs.train!;
  return { model: inputs.model, encoder: inputs.encoder, reference, current: inputs.table };
}

async function demoInputs(flags: DriftInputFlags): Promise<DriftInputs> {
  if (flags.data || flags.reference || flags.model) throw new GlassboxError('invalid_argument', 'Use either --demo or --reference/--data/--model, not both.', { argument: '--demo' });
  const inputs = await loadInputs({ demo: flags.demo! }, { seed: 0 });
  if (!inputs.encoder || !inputs.train) {
    await inputs.model.dispose?.();
    throw new GlassboxError('invalid_argument', `--demo ${flags.demo}: drift compares tabular rows with a train split; choose the credit demo.`, { argument: '--demo', hint: '--demo credit' });
  }
  const { schema, train, table } = inputs;
  return { reference: train, current: table, referenceName: `demo:${flags.demo} (train)`, currentName: `demo:${flags.demo} (test)`, schema, features: testedFeatures(schema, train), scored: { model: inputs.model, encoder: inputs.encoder, reference: train, current: table } };
}
