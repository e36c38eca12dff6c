import type { RawMatrix } from '../../encode/encoder.js';
import { quantileSorted } from '../../math/stats/quantile.js';
import type { Rng } from '../../rng.js';
import { columnValues, modeCode } from './feature-stats.js';
import { fillCombinations, MFT_DEFAULT_MAX_CASES, type FilledValues } from './mft-cases.js';
import { testError } from './test-errors.js';
import type { MftTest } from './test-file.js';
import type { TabularSubject } from './types.js';

/** The code of a value for feature j: the number itself, or the category's index. */
function codeOf(test: MftTest, field: string, value: string | number, subject: TabularSubject, j: number): number {
  const feature = subject.features[j]!;
  if (feature.type === 'numeric') {
    const x = typeof value === 'number' ? value : Number(value);
    if (typeof value !== 'number' && (value.trim() === '' || !Number.isFinite(x))) throw testError(test, field, `${JSON.stringify(value)} is not a number, but ${feature.name} is numeric.`, 'Give numbers for numeric features.');
    return x;
  }
  const code = (feature.categories ?? []).indexOf(String(value));
  if (code < 0) throw testError(test, field, `${JSON.stringify(value)} is not a category of ${feature.name}.`, `Categories: ${(feature.categories ?? []).join(', ')}.`);
  return code;
}

/**
 * Tabular MFT cases from a row template: the features `row` and `fill` name take those values (every
 * combination of the `fill` lists); every other feature takes its typical value on the reference rows
 * (median for numeric, most frequent category for categorical), so a case is a plausible applicant who
 * differs only where the test says.
 */
export function tabularCases(test: MftTest, subject: TabularSubject, rng: Rng): { raw: RawMatrix; values: FilledValues[] } {
  const reference = subject.reference ?? subject.rows;
  const names = subject.features.map((f) => f.name);
  const indexOf = (field: string, name: string): number => {
    const j = names.indexOf(name);
    if (j < 0) throw testError(test, field, `"${name}" is not a feature of the model.`, `Features: ${names.join(', ')}.`);
    return j;
  };
  const base = subject.features.map((f, j) => (f.type === 'numeric' ? quantileSorted(columnValues(reference, j).sort(), 0.5) : modeCode(reference, j)));
  for (const [name, value] of Object.entries(test.row ?? {})) {
    const j = indexOf(`row.${name}`, name);
    base[j] = codeOf(test, `row.${name}`, value, subject, j);
  }
  const keys = Object.keys(test.fill ?? {});
  const columns = keys.map((key) => indexOf(`fill.${key}`, key));
  const lists = keys.map((key) => test.fill![key]!);
  const coded = lists.map((list, k) => list.map((v, m) => codeOf(test, `fill.${keys[k]}[${m}]`, v, subject, columns[k]!)));
  const values = fillCombinations(keys, lists, test.maxCases ?? MFT_DEFAULT_MAX_CASES, rng);
  const f = subject.features.length;
  const data = new Float64Array(values.length * f);
  values.forEach((combo, c) => {
    data.set(base, c * f);
    keys.forEach((key, k) => {
      data[c * f + columns[k]!] = coded[k]![lists[k]!.indexOf(combo[key]!)]!;
    });
  });
  return { raw: { data, nRows: values.length, nFeatures: f }, values: values.map((combo) => ({ ...test.row, ...combo })) };
}
