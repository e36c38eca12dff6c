import { GlassboxError } from '../errors.js';
import { findColumn } from '../data/table.js';
import type { Column, Table } from '../data/table.js';

/**
 * Columns that describe the outcome rather than the input — the label, the predictions, the train/test
 * split and anything derived from them — are never slice features: a slice such as `score >= 0.29`
 * restates the model's output and hides the input conditions where it fails.
 */
export interface OutcomeColumns {
  /** Names of the label, prediction (score) and split columns, by role. */
  readonly label?: string | undefined;
  readonly predictions?: string | undefined;
  readonly split?: string | undefined;
  /** Per-row outcomes, to recognise derived columns (copies, recodings, thresholds, error flags). */
  readonly labels?: ArrayLike<number> | undefined;
  readonly decisions?: ArrayLike<number> | undefined;
  /** P(positive) per row: columns that are a monotone function of it are derived from the predictions. */
  readonly scores?: ArrayLike<number> | undefined;
  /** The per-row 0/1 error being searched: a column that is a function of it is an error flag. */
  readonly errors?: ArrayLike<number> | undefined;
  /**
   * Columns the user vouches for: kept even when they look derived (a coincidental function of the
   * label × prediction cells or of the score on a small sample). Role columns are never kept.
   */
  readonly keepDerived?: readonly string[] | undefined;
}

/** A column left out of the slice features, and why. */
export interface ExcludedColumn {
  readonly column: string;
  readonly reason: string;
}

/** Column values as numbers (categorical codes; NaN / -1 = missing), or undefined for text. */
function valuesOf(column: Column): ArrayLike<number> | undefined {
  return column.kind === 'numeric' ? column.values : column.kind === 'categorical' ? column.codes : undefined;
}

const missing = (column: Column, v: number): boolean => (column.kind === 'categorical' ? v < 0 : Number.isNaN(v));

/**
 * True when the column takes ≥ 2 values and is constant within every group of `key` (it is a function of
 * the key: a copy of the label, the decision, the error flag, the confusion cell…). Missing values are ignored.
 */
function functionOf(column: Column, key: ArrayLike<number>): boolean {
  const x = valuesOf(column);
  if (!x) return false;
  const seen = new Map<number, number>();
  const distinct = new Set<number>();
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (missing(column, v)) continue;
    const k = key[i]!;
    if (!Number.isFinite(k)) continue;
    const prior = seen.get(k);
    if (prior === undefined) seen.set(k, v);
    else if (prior !== v) return false;
    distinct.add(v);
  }
  return distinct.size >= 2;
}

/**
 * True when the column is a monotone function of the score (equal scores → equal values; non-decreasing or
 * non-increasing along the score order), taking ≥ 2 values: a rescaled, rounded, logit or bucketed score.
 * Categorical columns count when each category occupies one contiguous run of the score order.
 */
function monotoneIn(column: Column, order: Int32Array, scores: ArrayLike<number>): boolean {
  const x = valuesOf(column);
  if (!x) return false;
  let up = true;
  let down = true;
  let runs = 0;
  const distinct = new Set<number>();
  let prev = Number.NaN;
  let prevScore = Number.NaN;
  for (const i of order) {
    const v = x[i]!;
    if (missing(column, v)) continue;
    distinct.add(v);
    if (!Number.isNaN(prev)) {
      if (scores[i] === prevScore && v !== prev) return false;
      if (v > prev) down = false;
      if (v < prev) up = false;
      if (v !== prev) runs++;
    }
    prev = v;
    prevScore = scores[i]!;
  }
  if (distinct.size < 2) return false;
  return column.kind === 'categorical' ? runs === distinct.size - 1 : up || down;
}

/**
 * Splits candidate slice columns into those kept and those excluded because they are the label, the
 * predictions or the split column, or are derived from them: a function of (label, decision) — copies,
 * recodings, hard predictions, error flags, confusion cells — or a monotone function of the score.
 */
export function excludeOutcomeColumns(table: Table, columns: readonly string[], outcomes: OutcomeColumns): { kept: string[]; excluded: ExcludedColumn[] } {
  const named = new Map<string, string>();
  if (outcomes.label) named.set(outcomes.label, 'the label column');
  if (outcomes.predictions) named.set(outcomes.predictions, 'the predictions column');
  if (outcomes.split) named.set(outcomes.split, 'the train/test split column');
  const n = table.nRows;
  const { labels, decisions, scores, errors } = outcomes;
  const pair = labels || decisions ? Float64Array.from({ length: n }, (_, i) => (labels ? Number(labels[i]) : 0) * 1024 + (decisions ? Number(decisions[i]) : 0)) : undefined;
  const order = scores ? Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b) : undefined;
  const kept: string[] = [];
  const excluded: ExcludedColumn[] = [];
  for (const name of columns) {
    const role = named.get(name);
    const column = findColumn(table, name);
    let reason: string | undefined;
    const vouched = outcomes.keepDerived?.includes(name) ?? false;
    if (role) reason = `${role}`;
    else if (vouched) reason = undefined;
    else if (column && pair && functionOf(column, pair)) reason = 'derived from the label and predictions (constant within each label × prediction cell)';
    else if (column && errors && functionOf(column, errors)) reason = 'derived from the errors (constant among wrong and among right rows)';
    else if (column && order && scores && monotoneIn(column, order, scores)) reason = 'derived from the predictions (a monotone function of the score)';
    if (reason) excluded.push({ column: name, reason });
    else kept.push(name);
  }
  return { kept, excluded };
}

/** Throws when a column the user named explicitly as a slice feature or group is an outcome column. */
export function refuseOutcomeColumns(excluded: readonly ExcludedColumn[], argument: string): void {
  const first = excluded[0];
  if (!first) return;
  throw new GlassboxError('invalid_argument', `${argument} names "${first.column}", which is ${first.reason}; slices and groups are defined by input columns only.`, {
    argument,
    column: first.column,
    hint: `Leave ${excluded.map((e) => e.column).join(', ')} out of ${argument}.`,
  });
}
