import { takeRows, type Table } from '../../../data/table.js';
import { GlassboxError } from '../../../errors.js';
import { pipeline } from '../../../model/pipeline.js';
import { invarianceBlocks } from '../../../robust/invariance/blocks.js';
import { runInvariance } from '../../../robust/invariance/run.js';
import { tabularSubject, textSubject } from '../../../robust/invariance/subject.js';
import { loadTestFile } from '../../../robust/invariance/test-file.js';
import type { InvarianceReport, InvarianceSubject } from '../../../robust/invariance/types.js';
import { violationSlices, type ViolationSlices } from '../../../scan/violation-slices.js';
import { describeInput, inputKind } from '../../input-kind.js';
import { loadInputs, type InputFlags, type LoadedInputs } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, selectDemoRows, selectRows } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';

export interface InvarianceFlags extends InputFlags {
  tests?: string;
  rows?: string;
  examples?: string;
  confidence?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

function parseConfidence(value: string | undefined): number {
  const level = value === undefined ? 0.95 : Number(value);
  if (!(level > 0 && level < 1)) throw new GlassboxError('invalid_argument', `--confidence must be a number between 0 and 1; got "${value}".`, { argument: '--confidence', hint: 'e.g. --confidence 0.95' });
  return level;
}

/** The subject under test: the audited rows (cut to --rows) of a tabular pipeline or a text classifier. */
function subjectOf(inputs: LoadedInputs, rows: Table, flags: InvarianceFlags): InvarianceSubject {
  if (inputs.text) {
    const { classifier, column } = inputs.text;
    return textSubject({ task: classifier.task, classes: classifier.classes, outputWidth: classifier.outputWidth, predict: (texts, options) => classifier.predictTexts(texts, options) }, rows, column);
  }
  if (!inputs.encoder) throw new GlassboxError('invalid_argument', `${describeInput('image', flags)}: invariance tests run on tabular and text models.`, { argument: flags.demo ? '--demo' : '--data', hint: 'Use glassbox robustness for image corruptions.' });
  return tabularSubject(pipeline(inputs.model, inputs.encoder), rows, inputs.train);
}

/** The JSON form: every test with its slices; the per-row outcomes stay out. */
function toJson(report: InvarianceReport, slices: ReadonlyMap<string, ViolationSlices>): unknown {
  return {
    version: 1,
    subject: report.subject,
    rows: report.rows,
    seed: report.seed,
    confidence: report.confidence,
    tests: report.tests.map(({ rows: _rows, ...t }) => {
      const s = slices.get(t.name);
      return { ...t, slices: s?.slices ?? [], ...(s?.note ? { slicesNote: s.note } : {}) };
    }),
  };
}

/** `glassbox invariance`: loads the model and rows, runs the declared (or built-in) tests, prints the results. */
export async function runInvarianceCommand(flags: InvarianceFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const examples = parseIntegerFlag('--examples', flags.examples, 5);
  const level = parseConfidence(flags.confidence);
  if (inputKind(flags) === 'image') throw new GlassboxError('invalid_argument', `${describeInput('image', flags)}: invariance tests run on tabular and text models.`, { argument: flags.demo ? '--demo' : '--data', hint: 'Use glassbox robustness for image corruptions.' });
  // the tests file is checked before the model and data are loaded
  const tests = flags.tests ? loadTestFile(flags.tests) : undefined;
  const inputs = await loadInputs(flags, { seed: 0, requireLabels: false });
  const progress = createProgress({ quiet: Boolean(flags.quiet) });
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const rows = flags.rows === undefined ? inputs.table : flags.demo ? takeRows(inputs.table, selectDemoRows(inputs.table.nRows, flags.rows)) : takeRows(inputs.all, selectRows(inputs.all, flags.rows));
    const report = await runInvariance(subjectOf(inputs, rows, flags), { ...(tests ? { tests } : {}), seed, confidence: level, examples, signal: abort.signal, onProgress: (done, total, label) => progress.update(done, total, label) });
    const slices = new Map<string, ViolationSlices>();
    for (const t of report.tests) if (t.rows) slices.set(t.name, violationSlices(rows, inputs.schema, t.rows, { seed, level, signal: abort.signal }));
    progress.stop();
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(toJson(report, slices), null, 2)}\n`);
      return;
    }
    const blocks = invarianceBlocks(report, Object.fromEntries([...slices].map(([name, s]) => [name, s.slices])), { highlightText: format === 'html' });
    process.stdout.write(await renderBlocks(format, 'glassbox invariance', blocks));
  } catch (error) {
    progress.stop();
    if (abort.signal.aborted) throw new GlassboxError('cancelled', 'The invariance tests were interrupted; no partial result is printed.');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await inputs.model.dispose?.();
  }
}
