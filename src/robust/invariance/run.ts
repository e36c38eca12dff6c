import { GlassboxError, throwIfAborted } from '../../errors.js';
import { defaultTests } from './defaults.js';
import { testRng } from './outputs.js';
import { defaultRegressionTolerance } from './prediction-change.js';
import { runTabularDir, runTabularInv, runTabularMft, type TabularRun } from './run-tabular.js';
import { runTextInv, runTextMft, type TextInvTest, type TextRun } from './run-text.js';
import { testError } from './test-errors.js';
import type { DeclaredTest, TestFile } from './test-file.js';
import type { InvarianceReport, InvarianceSubject, InvarianceTestResult, TabularSubject, TextSubject } from './types.js';

export interface InvarianceOptions {
  /** Declared tests (a parsed tests file); without it, the built-in defaults. */
  readonly tests?: TestFile;
  readonly seed?: number;
  /** Confidence level of the violation-rate intervals (default 0.95). */
  readonly confidence?: number;
  /** Worst examples kept per test (default 5). */
  readonly examples?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** The model's outputs on the audited rows when already known (n × outputWidth), so they are not scored again. */
  readonly outputs?: Float32Array;
}

const TABULAR_ONLY = new Set(['noise', 'category-swap']);

/** Refuses a test that cannot run on this subject, naming the test and the field, before any prediction. */
function checkApplies(test: DeclaredTest, subject: InvarianceSubject): void {
  const text = subject.kind === 'text';
  if (test.kind === 'inv' && TABULAR_ONLY.has(test.perturbation) === text) {
    throw testError(test, 'perturbation', `${test.perturbation} applies to ${text ? 'tabular' : 'text'} models, but this model reads ${text ? 'text' : 'tabular rows'}.`, text ? 'Text models take typo, case, punctuation, contractions, synonyms, names or locations.' : 'Tabular models take noise or category-swap.');
  }
  if (test.kind === 'dir' && text) throw testError(test, 'kind', 'DIR tests raise a numeric feature, and this model reads text.', 'Use INV or MFT tests for text models.');
  if (test.kind === 'mft') {
    if (subject.task === 'regression') throw testError(test, 'expected', 'MFT tests expect a label, and this is a regression model.', 'Use INV or DIR tests.');
    if (!subject.classes.includes(test.expected)) throw testError(test, 'expected', `"${test.expected}" is not a class of the model.`, `Classes: ${subject.classes.join(', ')}.`);
    if (text && !test.templates) throw testError(test, 'row', 'a row template needs a tabular model, and this model reads text.', 'Give "templates" with {placeholders}.');
    if (!text && !test.row) throw testError(test, 'templates', 'text templates need a text model, and this model reads tabular rows.', 'Give "row" (feature values) and "fill" (lists to combine).');
  }
}

/** The tests to run: the declared ones, plus the defaults when the file asks (`"defaults": true`) or lists none. */
export function testsToRun(subject: InvarianceSubject, file: TestFile | undefined): DeclaredTest[] {
  if (!file) return defaultTests(subject);
  const declared = file.tests;
  if (!(file.defaults ?? declared.length === 0)) return [...declared];
  const names = new Set(declared.map((t) => t.name));
  return [...defaultTests(subject).filter((t) => !names.has(t.name)), ...declared];
}

/** Runs one test on a subject whose original outputs are known. */
async function runOne(test: DeclaredTest, subject: InvarianceSubject, base: Omit<TabularRun, 'subject' | 'rng'>, seed: number): Promise<InvarianceTestResult> {
  const tolerance = test.tolerance ?? base.tolerance;
  const rng = testRng(seed, test.name);
  if (subject.kind === 'text') {
    const run: TextRun = { ...base, subject, tolerance, rng };
    return test.kind === 'mft' ? runTextMft(test, run) : runTextInv(test as TextInvTest, run);
  }
  const run: TabularRun = { ...base, subject, tolerance, rng };
  if (test.kind === 'mft') return runTabularMft(test, run);
  if (test.kind === 'dir') return runTabularDir(test, run);
  return runTabularInv(test as Parameters<typeof runTabularInv>[0], run);
}

/** The same subject with no audited rows: running a test on it resolves every name without scoring anything. */
function emptySubject(subject: InvarianceSubject): InvarianceSubject {
  const reference = subject.kind === 'tabular' ? { reference: subject.reference ?? subject.rows } : {};
  const predict = async (x: { nRows?: number; length?: number }): Promise<Float32Array> => new Float32Array(((x as { nRows?: number }).nRows ?? (x as { length: number }).length) * subject.outputWidth).fill(1 / subject.outputWidth);
  if (subject.kind === 'text') return { ...subject, documents: [], rowIds: new Int32Array(0), predict } as TextSubject;
  return { ...subject, ...reference, rows: { data: new Float64Array(0), nRows: 0, nFeatures: subject.rows.nFeatures }, rowIds: new Int32Array(0), predict } as TabularSubject;
}

/**
 * CheckList-style behavioural tests (Ribeiro, Wu, Guestrin & Singh 2020, "Beyond Accuracy: Behavioral
 * Testing of NLP Models with CheckList", ACL) on a tabular or text model:
 * - INV: a perturbation that should not change the prediction (numeric noise, category swaps within an
 *   equivalence group; typos, case, punctuation, contractions, synonyms, names, locations);
 * - DIR: raising a feature must move a declared output one way (a monotonic constraint);
 * - MFT: templated cases with an expected label.
 * Each test perturbs every audited row and scores them in one batched call; the result is a violation
 * rate over test cases with a Wilson interval and the worst examples. Every name in the tests is
 * resolved (and refused with the test and field named) before the model is called. Deterministic under
 * `seed`: each test draws from its own stream keyed by its name.
 */
export async function runInvariance(subject: InvarianceSubject, options: InvarianceOptions = {}): Promise<InvarianceReport> {
  const seed = options.seed ?? 0;
  const level = options.confidence ?? 0.95;
  const tests = testsToRun(subject, options.tests);
  const dry = emptySubject(subject);
  const dryBase = { original: new Float32Array(0), tolerance: 0, level, examples: 0 };
  for (const test of tests) {
    checkApplies(test, subject);
    await runOne(test, dry, dryBase, seed);
  }
  const signalOption = options.signal ? { signal: options.signal } : {};
  options.onProgress?.(0, tests.length + 1, 'scoring the audited rows');
  const nRows = subject.kind === 'text' ? subject.documents.length : subject.rows.nRows;
  if (options.outputs && options.outputs.length !== nRows * subject.outputWidth) {
    throw new GlassboxError('shape_mismatch', `runInvariance: outputs has ${options.outputs.length} values for ${nRows} rows × ${subject.outputWidth} outputs.`, { argument: 'outputs', hint: 'Pass the model outputs of exactly the audited rows, or leave them out.' });
  }
  const original = options.outputs ?? (subject.kind === 'text' ? await subject.predict(subject.documents, signalOption) : await subject.predict(subject.rows, signalOption));
  const tolerance = subject.task === 'regression' ? defaultRegressionTolerance(original, subject.outputWidth) : 0;
  const base = { original, tolerance, level, examples: options.examples ?? 5, ...signalOption };
  const results: InvarianceTestResult[] = [];
  for (const [k, test] of tests.entries()) {
    throwIfAborted(options.signal);
    options.onProgress?.(k + 1, tests.length + 1, test.name);
    results.push(await runOne(test, subject, base, seed));
  }
  options.onProgress?.(tests.length + 1, tests.length + 1, 'done');
  return { subject: subject.kind, rows: nRows, seed, confidence: level, tests: results };
}
