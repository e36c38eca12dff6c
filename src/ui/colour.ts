import type { DataRow } from './api-types.js';
import type { ColourBy } from './store.js';

/** Tableau 10, a categorical palette whose neighbours stay distinguishable with common colour-vision deficiencies. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const ERROR_COLOUR = '#d62728';
export const CORRECT_COLOUR = '#9fb6cd';

/** The category a row falls into under a colouring: a class name, "error"/"correct", or "in slice"/"other". */
export function colourKey(row: DataRow, by: ColourBy, sliceRows: ReadonlySet<number>): string {
  switch (by) {
    case 'label':
      return String(row.label ?? '—');
    case 'prediction':
      return String(row.prediction ?? '—');
    case 'error':
      return row.label === null || row.prediction === null ? '—' : String(row.label) === String(row.prediction) ? 'correct' : 'error';
    case 'slice':
      return sliceRows.has(row.rowId) ? 'in slice' : 'other';
  }
}

/** The colour of a key: errors and slice members stand out in red, classes take palette colours in class order. */
export function colourOf(key: string, classes: readonly string[]): string {
  if (key === 'error' || key === 'in slice') return ERROR_COLOUR;
  if (key === 'correct' || key === 'other' || key === '—') return CORRECT_COLOUR;
  const k = classes.indexOf(key);
  return PALETTE[(k < 0 ? 0 : k) % PALETTE.length]!;
}
