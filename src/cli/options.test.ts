import { describe, expect, it } from 'vitest';
import type { GlassboxError } from '../errors.js';
import { parseIntegerFlag, selectRows } from './options.js';

const failure = (f: () => unknown): GlassboxError => {
  try {
    f();
  } catch (error) {
    return error as GlassboxError;
  }
  throw new Error('expected an error');
};

describe('parseIntegerFlag', () => {
  it('suggests a value the flag accepts, never one it refuses', () => {
    const e = failure(() => parseIntegerFlag('--samples', '-5', 0, 2));
    expect(e.message).toBe('--samples must be at least 2 (an integer); got "-5".');
    expect(e.details.hint).toBe('e.g. --samples 2');
    expect(() => parseIntegerFlag('--samples', e.details.hint!.split(' ').pop(), 0, 2)).not.toThrow();
    expect(failure(() => parseIntegerFlag('--samples', '1', 5000, 2)).details.hint).toBe('e.g. --samples 5000');
    expect(failure(() => parseIntegerFlag('--seed', '-1', 0)).details.hint).toBe('e.g. --seed 0');
    expect(parseIntegerFlag('--samples', '2', 0, 2)).toBe(2);
  });
});

describe('selectRows', () => {
  const table = { nRows: 4, rowIds: Int32Array.from([0, 2, 3, 7]) };
  it('picks rows by data row id, not by position', () => {
    expect(Array.from(selectRows(table, '0:3'))).toEqual([0, 1]);
    expect(Array.from(selectRows(table, '3:8'))).toEqual([2, 3]);
    expect(Array.from(selectRows(table, undefined, 3))).toEqual([0, 1, 2]);
  });
  it('refuses a range beyond the file or with no row left', () => {
    expect(failure(() => selectRows(table, '0:9')).message).toMatch(/0 ≤ a < b ≤ 8/);
    expect(failure(() => selectRows(table, '4:7')).message).toMatch(/no row with a data row id in \[4, 7\)/);
  });
});
