import { describe, expect, it } from 'vitest';
import type { GlassboxError } from '../../errors.js';
import { findColumn } from '../../data/table.js';
import type { NumericColumn, CategoricalColumn } from '../../data/table.js';
import { matchPredicates } from '../../data/predicate.js';
import { DEFAULT_CREDIT_PLANTS, generateCredit } from './generate.js';

function num(data: ReturnType<typeof generateCredit>, name: string): Float64Array {
  return (findColumn(data.table, name) as NumericColumn).values;
}
function codes(data: ReturnType<typeof generateCredit>, name: string): Int32Array {
  return (findColumn(data.table, name) as CategoricalColumn).codes;
}

describe('generateCredit', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateCredit({ seed: 7, rows: 2000 });
    const b = generateCredit({ seed: 7, rows: 2000 });
    const c = generateCredit({ seed: 8, rows: 2000 });
    expect(num(a, 'income')).toEqual(num(b, 'income'));
    expect(codes(a, 'repaid')).toEqual(codes(b, 'repaid'));
    expect(JSON.stringify(a.groundTruth)).toBe(JSON.stringify(b.groundTruth));
    expect(num(a, 'income')).not.toEqual(num(c, 'income'));
  });

  it('keeps applicant features fixed when the plants change', () => {
    const planted = generateCredit({ seed: 3, rows: 3000 });
    const clean = generateCredit({ seed: 3, rows: 3000, plants: {} });
    for (const name of ['age', 'income', 'debt_to_income']) expect(num(planted, name)).toEqual(num(clean, name));
    expect(codes(planted, 'split')).toEqual(codes(clean, 'split'));
    expect(clean.groundTruth.flippedRowIds).toHaveLength(0);
    expect(clean.groundTruth.leak).toBeNull();
  });

  it('flips labels at about the planted rate inside each weak slice and nowhere else', () => {
    const data = generateCredit({ seed: 1 });
    const y = codes(data, 'repaid');
    const flipped = new Set(data.groundTruth.flippedRowIds);
    const anySlice = new Uint8Array(data.table.nRows);
    for (const slice of data.groundTruth.weakSlices) {
      const mask = matchPredicates(data.table, slice.predicates);
      let n = 0, flips = 0;
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        n++;
        anySlice[i] = 1;
        if (y[i] !== data.cleanLabels[i]) flips++;
      }
      expect(n).toBe(slice.rows);
      expect(slice.testRows).toBeGreaterThan(100);
      // binomial: 4 standard errors
      expect(Math.abs(flips / n - slice.flipRate)).toBeLessThan(4 * Math.sqrt((slice.flipRate * (1 - slice.flipRate)) / n));
    }
    for (let i = 0; i < data.table.nRows; i++) {
      expect(flipped.has(i)).toBe(y[i] !== data.cleanLabels[i]);
      if (!anySlice[i]) expect(y[i]).toBe(data.cleanLabels[i]);
    }
  });

  it('plants a selection-rate gap on the protected attribute and a leak that tracks the label', () => {
    const data = generateCredit({ seed: 2 });
    const rates = data.groundTruth.bias[0]!.positiveRate;
    expect(rates.male! - rates.female!).toBeGreaterThan(0.08);
    const unbiased = generateCredit({ seed: 2, plants: { ...DEFAULT_CREDIT_PLANTS, bias: [] } });
    const gender = codes(unbiased, 'gender');
    const y = unbiased.cleanLabels;
    const pos = [0, 0], tot = [0, 0];
    for (let i = 0; i < y.length; i++) {
      tot[gender[i]!]! += 1;
      pos[gender[i]!]! += y[i]!;
    }
    expect(Math.abs(pos[0]! / tot[0]! - pos[1]! / tot[1]!)).toBeLessThan(0.03);
    // leak: agrees with (1 - clean label) in 1 - noise of the rows
    const leak = num(data, 'account_closed_flag');
    let agree = 0;
    for (let i = 0; i < leak.length; i++) agree += leak[i] === 1 - data.cleanLabels[i]! ? 1 : 0;
    expect(Math.abs(agree / leak.length - (1 - DEFAULT_CREDIT_PLANTS.leak!.noise))).toBeLessThan(0.015);
  });

  it('plants arbitrary 3-way conjunctions and numeric ranges given by the caller', () => {
    const data = generateCredit({
      seed: 4,
      plants: {
        weakSlices: [
          {
            name: 'renters_car_long_term',
            predicates: [
              { feature: 'home_ownership', op: '==', value: 'rent' },
              { feature: 'purpose', op: 'in', value: ['car', 'other'] },
              { feature: 'loan_term_months', op: '>=', value: 48 },
            ],
            flipRate: 0.5,
          },
        ],
      },
    });
    const slice = data.groundTruth.weakSlices[0]!;
    expect(slice.kind).toBe('subgroup');
    expect(slice.rule).toBe('home_ownership == rent and purpose in [car, other] and loan_term_months >= 48');
    expect(slice.rows).toBeGreaterThan(200);
    expect(slice.flippedRows / slice.rows).toBeGreaterThan(0.4);
    expect(data.groundTruth.flippedRowIds.length).toBe(slice.flippedRows);
    expect(data.groundTruth.bias).toHaveLength(0);
  });

  it('rejects unknown columns, categories and bad rates with a specific error', () => {
    const bad = (plants: Parameters<typeof generateCredit>[0]): GlassboxError => {
      try {
        generateCredit({ rows: 200, ...plants });
      } catch (error) {
        return error as GlassboxError;
      }
      throw new Error('expected an error');
    };
    const unknown = bad({ plants: { weakSlices: [{ name: 'x', predicates: [{ feature: 'salary', op: '<', value: 3 }], flipRate: 0.2 }] } });
    expect(unknown.code).toBe('invalid_argument');
    expect(unknown.message).toContain('"salary"');
    expect(unknown.details.hint).toContain('income');
    const category = bad({ plants: { weakSlices: [{ name: 'x', predicates: [{ feature: 'employment', op: '==', value: 'pirate' }], flipRate: 0.2 }] } });
    expect(category.message).toContain('pirate');
    expect(bad({ plants: { weakSlices: [{ name: 'x', predicates: [{ feature: 'age', op: '<', value: 30 }], flipRate: 2 }] } }).message).toContain('flipRate');
    expect(bad({ plants: { bias: [{ attribute: 'gender', group: 'other', logitShift: -1 }] } }).message).toContain('"other"');
    expect(bad({ rows: 5 }).details.argument).toBe('rows');
  });
});
