import type { Table } from '../../data/table.js';
import { findColumn } from '../../data/table.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { GlassboxError } from '../../errors.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { TabularSubject, TextSubject } from './types.js';

/**
 * A tabular model under test from its pipeline (encoder + model): the audited rows ordinal-coded, and
 * the training rows (when given) as the reference that scales perturbations.
 */
export function tabularSubject(pipeline: Pipeline, table: Table, train?: Table): TabularSubject {
  const { model, encoder } = pipeline;
  const features = encoder.features.map((f) => ({ name: f.name, type: f.type, ...(f.categories ? { categories: f.categories } : {}) }));
  return {
    kind: 'tabular',
    task: model.task,
    classes: model.classes,
    outputWidth: model.outputWidth,
    features,
    rows: rawMatrixFromTable(table, encoder.features),
    rowIds: table.rowIds,
    ...(train && train.nRows > 0 ? { reference: rawMatrixFromTable(train, encoder.features) } : {}),
    predict: (raw, options) => pipeline.predictRaw(raw, options),
  };
}

/** A text model under test: the documents of `column` and a classifier of raw strings. */
export function textSubject(classifier: Pick<TextSubject, 'task' | 'classes' | 'outputWidth' | 'predict'>, table: Table, column: string): TextSubject {
  const documents = findColumn(table, column);
  if (documents?.kind !== 'text') {
    throw new GlassboxError('schema_mismatch', `The text column "${column}" is not in the audited rows.`, { column, hint: 'Mark the document column "type": "text" in the schema.' });
  }
  return { kind: 'text', task: classifier.task, classes: classifier.classes, outputWidth: classifier.outputWidth, documents: documents.values, rowIds: table.rowIds, predict: (texts, options) => classifier.predict(texts, options) };
}
