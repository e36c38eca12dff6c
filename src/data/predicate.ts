import { GlassboxError } from '../errors.js';
import { columnNames, findColumn } from './table.js';
import type { Table } from './table.js';

/**
 * One condition on one column, e.g. `{ feature: 'age', op: '<', value: 25 }`: numeric comparisons, or
 * (in)equality / membership for categoricals. Slices, findings and planted demo slices are conjunctions
 * of these.
 */
export interface Predicate {
  readonly feature: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in';
  readonly value: number | string | readonly (string | number)[];
}

/** Human-readable form, e.g. `age < 25 and employment == self_employed`. */
export function describePredicates(predicates: readonly Predicate[]): string {
  return predicates
    .map((p) => `${p.feature} ${p.op} ${Array.isArray(p.value) ? `[${(p.value as readonly (string | number)[]).join(', ')}]` : String(p.value)}`)
    .join(' and ');
}

/**
 * Rows where every predicate holds (a conjunction), as a 0/1 mask. Missing values never match.
 * Throws `invalid_argument` naming the predicate when a column is unknown or the operator does not fit
 * its type.
 */
export function matchPredicates(table: Table, predicates: readonly Predicate[], argument = 'predicates'): Uint8Array {
  const mask = new Uint8Array(table.nRows).fill(1);
  predicates.forEach((predicate, index) => {
    const where = `${argument}[${index}] (${describePredicates([predicate])})`;
    const column = findColumn(table, predicate.feature);
    if (!column) {
      throw new GlassboxError('invalid_argument', `${where}: there is no column "${predicate.feature}"`, {
        argument,
        column: predicate.feature,
        hint: `Use one of: ${columnNames(table).join(', ')}`,
      });
    }
    if (column.kind === 'numeric') {
      if (typeof predicate.value !== 'number' || predicate.op === 'in') {
        throw new GlassboxError('invalid_argument', `${where}: "${predicate.feature}" is numeric, so the value must be a number and the operator one of < <= > >= == !=`, {
          argument,
          column: predicate.feature,
          hint: 'Write numeric conditions like { feature: "income", op: ">=", value: 90 }',
        });
      }
      applyNumeric(mask, column.values, predicate.op, predicate.value);
    } else if (column.kind === 'categorical') {
      applyCategorical(mask, column.codes, column.categories, predicate, where);
    } else {
      throw new GlassboxError('invalid_argument', `${where}: text column "${predicate.feature}" cannot be used in a predicate`, { argument, column: predicate.feature, hint: 'Use a numeric or categorical column.' });
    }
  });
  return mask;
}

function applyNumeric(mask: Uint8Array, values: Float64Array, op: Predicate['op'], value: number): void {
  for (let i = 0; i < mask.length; i++) {
    const v = values[i]!;
    let ok: boolean;
    switch (op) {
      case '<': ok = v < value; break;
      case '<=': ok = v <= value; break;
      case '>': ok = v > value; break;
      case '>=': ok = v >= value; break;
      case '==': ok = v === value; break;
      default: ok = v !== value && !Number.isNaN(v);
    }
    if (!ok) mask[i] = 0;
  }
}

function applyCategorical(mask: Uint8Array, codes: Int32Array, categories: readonly string[], predicate: Predicate, where: string): void {
  const wanted = predicate.op === 'in' ? predicate.value : [predicate.value];
  if (!Array.isArray(wanted) || !['==', '!=', 'in'].includes(predicate.op)) {
    throw new GlassboxError('invalid_argument', `${where}: "${predicate.feature}" is categorical, so the operator must be ==, != or in (with a list)`, {
      column: predicate.feature,
      hint: 'Write categorical conditions like { feature: "employment", op: "==", value: "self_employed" }',
    });
  }
  const hit = new Uint8Array(categories.length);
  for (const w of wanted as readonly unknown[]) {
    const code = categories.indexOf(String(w));
    if (code < 0) {
      throw new GlassboxError('invalid_argument', `${where}: "${String(w)}" is not a category of "${predicate.feature}"`, {
        column: predicate.feature,
        hint: `Categories are: ${categories.join(', ')}`,
      });
    }
    hit[code] = 1;
  }
  const negate = predicate.op === '!=';
  for (let i = 0; i < mask.length; i++) {
    const code = codes[i]!;
    const inSet = code >= 0 && hit[code] === 1;
    if (code < 0 || inSet === negate) mask[i] = 0;
  }
}
