import type { Column, Table } from '../data/table.js';
import { rawMatrixFromTable } from '../encode/raw-matrix.js';
import type { RawMatrix } from '../encode/encoder.js';
import { predictRawBatched } from '../global/predict.js';
import { pipeline, type Pipeline } from '../model/pipeline.js';
import type { DashboardSession } from './session.js';
import { GlassboxError } from '../errors.js';

/**
 * The session's rows with the model's outputs, computed once on first use and kept: the table view,
 * filters and nearest counterfactuals all read them.
 */
export interface ScoredRows {
  readonly outputs: Float32Array;
  readonly width: number;
  /** Tabular sessions: every row as ordinal-coded raw features (the explainers' input). */
  readonly raw?: RawMatrix;
  readonly pipe?: Pipeline;
}

export function scoredRows(session: DashboardSession): () => Promise<ScoredRows> {
  let pending: Promise<ScoredRows> | undefined;
  return () => (pending ??= score(session).catch((error: unknown) => {
    pending = undefined;
    throw error;
  }));
}

async function score(session: DashboardSession): Promise<ScoredRows> {
  const width = session.model.outputWidth;
  if (session.encoder) {
    const pipe = pipeline(session.model, session.encoder);
    const raw = rawMatrixFromTable(session.table, session.encoder.features);
    return { outputs: await predictRawBatched(pipe, raw), width, raw, pipe };
  }
  if (session.x) return { outputs: await session.model.predict(session.x), width };
  throw new GlassboxError('missing_capability', `${session.title}: the dashboard has neither an encoder nor model inputs for these rows.`, { hint: 'Serve tabular data with --schema/--preprocess, or an image demo.' });
}

/** A cell as JSON: numbers (missing → null), category text (missing → null) or text. */
export function cellValue(column: Column, row: number): number | string | null {
  if (column.kind === 'numeric') {
    const v = column.values[row]!;
    return Number.isNaN(v) ? null : v;
  }
  if (column.kind === 'categorical') {
    const code = column.codes[row]!;
    return code < 0 ? null : column.categories[code]!;
  }
  return column.values[row]!;
}

/** Table row index of each data row id (rowIds are 0-based rows of the input file). */
export function rowIndexById(table: Table): Map<number, number> {
  const map = new Map<number, number>();
  table.rowIds.forEach((id, i) => map.set(id, i));
  return map;
}
