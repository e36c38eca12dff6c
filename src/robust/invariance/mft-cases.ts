import type { Rng } from '../../rng.js';
import { FIRST_NAMES, PLACES } from './text/lexicon.js';
import { testError } from './test-errors.js';
import type { MftTest } from './test-file.js';

/** At most this many cases per MFT test unless `maxCases` says otherwise. */
export const MFT_DEFAULT_MAX_CASES = 1000;

/** Placeholders a text template may use without a `fill` list: the built-in (small, English) lists. */
export const BUILTIN_FILLS: Readonly<Record<string, readonly string[]>> = {
  first_name: [...FIRST_NAMES.female, ...FIRST_NAMES.male],
  female_name: FIRST_NAMES.female,
  male_name: FIRST_NAMES.male,
  city: PLACES.city,
  country: PLACES.country,
};

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholders of a template, in order of first appearance. */
export function placeholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/** One MFT case: the filled values of its placeholders (or row fields). */
export type FilledValues = Readonly<Record<string, string | number>>;

/**
 * The cartesian product of the fill lists, in odometer order (last key fastest). When it exceeds
 * `maxCases`, a seeded sample of `maxCases` distinct combinations, kept in product order.
 */
export function fillCombinations(keys: readonly string[], lists: readonly (readonly (string | number)[])[], maxCases: number, rng: Rng): FilledValues[] {
  const total = lists.reduce((p, l) => p * l.length, 1);
  const picks = total <= maxCases ? Array.from({ length: total }, (_, k) => k) : Array.from(rng.permutation(total).subarray(0, maxCases)).sort((a, b) => a - b);
  return picks.map((index) => {
    const values: Record<string, string | number> = {};
    let rest = index;
    for (let k = keys.length - 1; k >= 0; k--) {
      const list = lists[k]!;
      values[keys[k]!] = list[rest % list.length]!;
      rest = Math.floor(rest / list.length);
    }
    return values;
  });
}

/** Text MFT cases: every template filled with every combination of its placeholders' values. */
export function textCases(test: MftTest, rng: Rng): { texts: string[]; values: FilledValues[] } {
  const texts: string[] = [];
  const values: FilledValues[] = [];
  const maxCases = test.maxCases ?? MFT_DEFAULT_MAX_CASES;
  test.templates!.forEach((template, t) => {
    const keys = placeholders(template);
    const lists = keys.map((key) => {
      const list = test.fill?.[key] ?? BUILTIN_FILLS[key];
      if (!list) throw testError(test, `templates[${t}]`, `placeholder {${key}} has no values.`, `Add "fill": {"${key}": [...]} or use a built-in list: ${Object.keys(BUILTIN_FILLS).map((k) => `{${k}}`).join(', ')}.`);
      return list;
    });
    for (const combo of fillCombinations(keys, lists, Math.max(1, Math.floor(maxCases / test.templates!.length)), rng)) {
      texts.push(template.replace(PLACEHOLDER, (_, key: string) => String(combo[key])));
      values.push(combo);
    }
  });
  return { texts, values };
}
