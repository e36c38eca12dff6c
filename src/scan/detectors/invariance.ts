import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { invarianceBlocks } from '../../robust/invariance/blocks.js';
import { runInvariance } from '../../robust/invariance/run.js';
import { tabularSubject, textSubject } from '../../robust/invariance/subject.js';
import type { InvarianceReport, InvarianceSubject, InvarianceTestResult } from '../../robust/invariance/types.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { reproduceCommand } from '../reproduce.js';
import { violationSlices, type ViolationSlices } from '../violation-slices.js';

/**
 * A test is reported when its violation rate's Wilson interval lies entirely above this share of the
 * tested rows (scan option `invarianceThreshold`, default 1%): more than 1 in 100 rows change their
 * prediction under a perturbation that should not matter.
 */
export const INVARIANCE_THRESHOLD = 0.01;

function severity(rate: number): Severity {
  return rate >= 0.1 ? 'high' : rate >= 0.03 ? 'medium' : 'low';
}

function subjectOf(c: ScanContext): InvarianceSubject {
  if (c.text) {
    const { classifier, column } = c.text;
    return textSubject({ task: classifier.task, classes: classifier.classes, outputWidth: classifier.outputWidth, predict: (texts, options) => classifier.predictTexts(texts, options) }, c.table, column);
  }
  return tabularSubject(c.pipeline!, c.table, c.train);
}

function finding(t: InvarianceTestResult, s: ViolationSlices | undefined, report: InvarianceReport, c: ScanContext, threshold: number): Finding {
  const rate = t.violationRate!;
  const interval = t.interval!;
  const top = s?.slices[0];
  const where = top ? ` Violations concentrate in ${top.description} (rate ${top.violationRate.toFixed(3)}, n=${top.n}, q=${top.qValue.toExponential(2)}).` : '';
  const what = report.subject === 'text' ? 'documents' : 'rows';
  return {
    id: `invariance/${t.name}`,
    detector: 'invariance',
    severity: severity(rate),
    title: `Prediction changes under ${t.kind === 'inv' ? 'a perturbation that should not matter' : 'a behavioural test'}: ${t.name}`,
    summary: `${t.violations} of ${t.n} ${what} (${(rate * 100).toFixed(1)}%, ${Math.round(interval.level * 100)}% Wilson CI ${(interval.low * 100).toFixed(1)}–${(interval.high * 100).toFixed(1)}%) change their predicted class under "${t.name}" (${t.description.replace(/\s*The prediction should not change\.$/, '')}).${where}`,
    metric: 'violation rate',
    value: rate,
    baseline: threshold,
    interval: { ...interval, method: 'wilson for violation rate (test cases: rows the perturbation changed)' },
    examples: t.examples.flatMap((e) => (e.rowId === null ? [] : [e.rowId])),
    evidence: { n: t.n, violations: t.violations, tolerance: t.tolerance, evaluations: t.evaluations, seed: report.seed, ...(t.perturbation ? { perturbation: t.perturbation } : {}), ...(top ? { topSlice: top.description } : {}) },
    suggestion: report.subject === 'text'
      ? 'Normalise the input before the model (lower-case, expand contractions, strip trailing punctuation) or augment the training data with perturbed copies; run glassbox invariance --tests FILE for declared tests.'
      : 'Check whether the model is brittle near its decision boundary for this feature (smoother models, monotonic constraints, or training with noise); declare expected invariances and monotonic constraints in a tests file for glassbox invariance.',
    reproduce: `glassbox invariance ${c.text ? '--model … --text-encoder … --data …' : '--model … --data …'} --seed ${c.seed}  # the scan ran: ${reproduceCommand(c)}`,
  };
}

/**
 * Invariance violations (CheckList INV tests, Ribeiro et al. 2020) with the built-in defaults: Gaussian
 * noise of 5% of the spread on each numeric feature of a tabular model; typos, case, punctuation,
 * contractions, synonyms, names and locations for a text model. A test becomes a finding when its
 * violation rate's Wilson interval lies above 1%; the slices where its violations concentrate come from
 * the slice search on the violation indicator.
 */
export const invarianceViolations: Detector = {
  id: 'invariance',
  title: 'Invariance tests',
  category: 'robustness',
  applies(c) {
    if (c.x?.shape.length === 4) return 'the input is images: invariance tests perturb tabular rows or text (image corruptions are their own detector)';
    if (c.text) return true;
    if (!c.pipeline) return 'needs tabular data with an encoder, or a text model';
    return c.schema.features.some((f) => f.type === 'numeric') ? true : 'the model has no numeric feature to add noise to (category swaps need declared groups: use glassbox invariance --tests)';
  },
  async run(c): Promise<DetectorResult> {
    const threshold = typeof c.options['invarianceThreshold'] === 'number' ? c.options['invarianceThreshold'] : INVARIANCE_THRESHOLD;
    const report = await runInvariance(subjectOf(c), { seed: c.seed, confidence: c.options.confidence, outputs: c.outputs, ...(c.signal ? { signal: c.signal } : {}), onProgress: (done, total, label) => c.progress(`invariance: ${label} (${done}/${total})`) });
    const flagged = report.tests.filter((t) => t.interval !== null && t.interval.low > threshold);
    const slices = new Map<string, ViolationSlices>();
    for (const t of flagged) if (t.rows) slices.set(t.name, violationSlices(c.table, c.schema, t.rows, { seed: c.seed, level: c.options.confidence, ...(c.signal ? { signal: c.signal } : {}) }));
    const findings = flagged.map((t) => finding(t, slices.get(t.name), report, c, threshold));
    const rows = Object.fromEntries(flagged.flatMap((t, k) => (t.rows ? [[findings[k]!.id, t.rows.violated]] : [])));
    const intro: ReportBlock = { kind: 'text', markdown: `Built-in invariance tests; a test is reported when its violation rate's ${Math.round(c.options.confidence * 100)}% Wilson interval lies above ${threshold * 100}% of the tested ${report.subject === 'text' ? 'documents' : 'rows'}. ${flagged.length ? `${flagged.length} test(s) qualify.` : 'No test qualifies.'} Declare equivalence groups, monotonic constraints and templated cases with \`glassbox invariance --tests tests.json\`.` };
    const blocks = [intro, ...invarianceBlocks(report, Object.fromEntries([...slices].map(([name, s]) => [name, s.slices])), { highlightText: true })];
    return {
      findings,
      rows,
      sections: [{ id: 'invariance', title: 'Invariance tests', blocks }],
      data: { threshold, seed: report.seed, tests: report.tests.map(({ rows: _rows, ...t }) => ({ ...t, slices: slices.get(t.name)?.slices ?? [] })) },
    };
  },
};
