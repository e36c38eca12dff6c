import type { RawMatrix } from '../../encode/encoder.js';
import type { Rng } from '../../rng.js';
import { dirOutcomes, dirOutputColumn, dirPaths } from './directional.js';
import { invarianceOutcomes, violationSummary, worstRows } from './evaluate.js';
import { summarizeOutput, round } from './outputs.js';
import { decide } from './prediction-change.js';
import { prepareCategorySwap, prepareNoise, rowValues } from './tabular-inv.js';
import { tabularCases } from './tabular-mft.js';
import type { CategorySwapTest, DirTest, MftTest, NoiseTest } from './test-file.js';
import type { InvarianceTestResult, TabularSubject } from './types.js';

/** What a tabular test run needs besides the test: the original outputs, tolerance, level, examples, signal. */
export interface TabularRun {
  readonly subject: TabularSubject;
  readonly original: Float32Array;
  readonly tolerance: number;
  readonly level: number;
  readonly examples: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
}

const predict = (run: TabularRun, raw: RawMatrix): Promise<Float32Array> => (raw.nRows === 0 ? Promise.resolve(new Float32Array(0)) : run.subject.predict(raw, run.signal ? { signal: run.signal } : {}));

/** An INV test on tabular rows (noise or category swap): perturb every row, one batched prediction. */
export async function runTabularInv(test: NoiseTest | CategorySwapTest, run: TabularRun): Promise<InvarianceTestResult> {
  const { subject } = run;
  const prepared = test.perturbation === 'noise' ? prepareNoise(test, subject, run.rng) : prepareCategorySwap(test, subject, run.rng);
  const { batch } = prepared;
  const perturbed = await predict(run, batch.raw);
  const rule = { task: subject.task, width: subject.outputWidth, tolerance: run.tolerance };
  const outcomes = invarianceOutcomes(run.original, perturbed, batch.source, subject.rows.nRows, rule);
  const examples = worstRows(outcomes.violated, outcomes.change, run.examples).map((i) => {
    const k = outcomes.worst[i]!;
    const before = summarizeOutput(run.original, i, subject);
    const watch = subject.task === 'regression' ? undefined : decide(run.original, i, subject.outputWidth, subject.task);
    return { rowId: subject.rowIds[i]!, original: rowValues(subject.rows, i, prepared.columns, subject), perturbed: rowValues(batch.raw, k, prepared.columns, subject), before, after: summarizeOutput(perturbed, k, subject, watch), change: round(outcomes.change[i]!) };
  });
  return {
    name: test.name,
    kind: 'inv',
    perturbation: test.perturbation,
    description: test.description ?? prepared.description,
    ...violationSummary(outcomes.tested, outcomes.violated, run.level),
    tolerance: run.tolerance,
    evaluations: batch.source.length,
    examples,
    ...(prepared.note ? { note: prepared.note } : {}),
    rows: { tested: outcomes.tested, violated: outcomes.violated },
  };
}

/** A DIR test: every row's feature raised along its path; the watched output must move the declared way. */
export async function runTabularDir(test: DirTest, run: TabularRun): Promise<InvarianceTestResult> {
  const { subject } = run;
  const output = dirOutputColumn(test, subject);
  const { paths, column, stats } = dirPaths(test, subject);
  const perturbed = await predict(run, paths.raw);
  const increasing = test.direction === 'increasing';
  const outcomes = dirOutcomes(run.original, perturbed, paths.source, subject.rows.nRows, subject.outputWidth, output.column, increasing, run.tolerance);
  const examples = worstRows(outcomes.violated, outcomes.change, run.examples).map((i) => {
    const after = outcomes.worstAfter[i]!;
    const before = outcomes.worstBefore[i]!;
    const [beforeRows, beforeRow] = before < 0 ? [run.original, i] : [perturbed, before];
    return {
      rowId: subject.rowIds[i]!,
      original: before < 0 ? rowValues(subject.rows, i, [column], subject) : rowValues(paths.raw, before, [column], subject),
      perturbed: rowValues(paths.raw, after, [column], subject),
      before: summarizeOutput(beforeRows, beforeRow, subject, output.column),
      after: summarizeOutput(perturbed, after, subject, output.column),
      change: round(outcomes.change[i]!),
    };
  });
  const steps = test.steps ? `by ${test.steps.join(', ')}` : `to the reference quantiles 0.1, 0.2 and 0.3 above each row's own rank${stats.integer ? ' (rounded up)' : ''}`;
  const description = `${test.feature} raised ${steps}; ${output.label} must ${increasing ? 'not fall' : 'not rise'} from one step to the next by more than ${run.tolerance}.`;
  return {
    name: test.name,
    kind: 'dir',
    description: test.description ?? description,
    ...violationSummary(outcomes.tested, outcomes.violated, run.level),
    tolerance: run.tolerance,
    evaluations: paths.source.length,
    examples,
    ...(paths.source.length === 0 ? { note: `No audited row could be raised (${test.feature} missing or at its maximum).` } : {}),
    rows: { tested: outcomes.tested, violated: outcomes.violated },
  };
}

/** A tabular MFT test: cases from a row template, each must get the expected label. */
export async function runTabularMft(test: MftTest, run: TabularRun): Promise<InvarianceTestResult> {
  const { subject } = run;
  const cases = tabularCases(test, subject, run.rng);
  const outputs = await predict(run, cases.raw);
  return mftResult(test, run.level, run.examples, subject, outputs, cases.values, 'tabular');
}

/** Failure rate of MFT cases: a case fails when its decided class is not `expected`. */
export function mftResult(test: MftTest, level: number, k: number, shape: Pick<TabularSubject, 'task' | 'classes' | 'outputWidth'>, outputs: Float32Array, inputs: readonly (string | Readonly<Record<string, string | number>>)[], kind: 'tabular' | 'text'): InvarianceTestResult {
  const expected = shape.classes.indexOf(test.expected);
  const n = inputs.length;
  const tested = new Uint8Array(n).fill(1);
  const failed = new Uint8Array(n);
  const change = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    failed[c] = decide(outputs, c, shape.outputWidth, shape.task) === expected ? 0 : 1;
    change[c] = 1 - outputs[c * shape.outputWidth + expected]!;
  }
  const examples = worstRows(failed, change, k).map((c) => ({ rowId: null, perturbed: inputs[c]!, after: summarizeOutput(outputs, c, shape), change: round(change[c]!), expected: test.expected }));
  const what = kind === 'text' ? `${test.templates!.length} template(s)` : 'a row template (other features at their median or most frequent value)';
  return {
    name: test.name,
    kind: 'mft',
    description: test.description ?? `${n} cases from ${what}; each should be predicted "${test.expected}".`,
    ...violationSummary(tested, failed, level),
    tolerance: 0,
    evaluations: n,
    examples,
  };
}
