import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { featureDrift, type FeatureDrift } from '../../robust/drift/feature-drift.js';
import { predictionDrift } from '../../robust/drift/prediction-drift.js';
import { featureDriftTable, histogramComparison, predictionDriftTable } from '../../robust/drift/report-blocks.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { reproduceCommand } from '../reproduce.js';
import { notTabular } from './not-applicable.js';

/** False discovery rate over the features (Benjamini–Hochberg). */
const FDR = 0.05;

/**
 * Drift between the training rows and the audited rows: per feature a KS (numeric) or chi-square
 * (categorical) test with Benjamini–Hochberg q-values, PSI, Wasserstein-1 and Jensen–Shannon distance, a
 * histogram comparison per drifted feature, and the same tests on the model's outputs. A finding per drifted
 * feature; its severity follows the effect size (PSI < 0.1 info, < 0.25 low, else medium), since with many
 * rows a negligible shift is still significant.
 */
export const dataDrift: Detector = {
  id: 'data-drift',
  title: 'Drift between training and audited rows',
  category: 'data',
  applies: (c) => (!c.train ? 'the data has no train/test split (declare "split" in the schema), so there are no training rows to compare with' : !c.pipeline ? notTabular(c) : testedFeatures(c).length === 0 ? 'no numeric or categorical features to compare' : true),
  run: (c) => runDataDrift(c),
};

function testedFeatures(c: ScanContext): string[] {
  return c.schema.features.filter((f) => (f.type === 'numeric' || f.type === 'categorical') && c.table.columns.some((col) => col.name === f.name) && c.train!.columns.some((col) => col.name === f.name)).map((f) => f.name);
}

async function runDataDrift(c: ScanContext): Promise<DetectorResult> {
  c.progress('testing each feature');
  const report = featureDrift(c.train!, c.table, { features: testedFeatures(c), fdr: FDR, ...(c.signal ? { signal: c.signal } : {}) });
  const findings = report.drifted.map((name) => finding(c, report.features.find((f) => f.feature === name)!, report.features.length));
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Training rows (${report.nReference}) against audited rows (${report.nCurrent}): ${report.drifted.length} of ${report.features.length} features drift at FDR ${FDR}. A random train/test split should show none; drift here means the audited rows come from a different population than the model was trained on, so test metrics may not carry over.` },
    featureDriftTable(report.features, 'Per feature: KS (numeric) or chi-square (categorical), Benjamini–Hochberg q-values; effect sizes on the training rows\' deciles or categories'),
    ...report.drifted.slice(0, 6).map((name) => histogramComparison(report.features.find((f) => f.feature === name)!, { reference: 'training rows', current: 'audited rows' })),
  ];
  let prediction: ReturnType<typeof predictionDrift> | undefined;
  if (c.pipeline && c.trainRaw) {
    c.progress('scoring the training rows');
    const trainOut = await c.pipeline.predictRaw(c.trainRaw, c.signal ? { signal: c.signal } : {});
    prediction = predictionDrift({ reference: trainOut, current: c.outputs, width: c.model.outputWidth, task: c.model.task, classes: c.classes }, { fdr: FDR });
    blocks.push(predictionDriftTable(prediction));
  }
  const json = (f: FeatureDrift): Record<string, unknown> => {
    const { bins: _bins, ...rest } = f;
    return rest;
  };
  return {
    findings,
    sections: [{ id: 'data-drift', title: 'Drift between training and audited rows', blocks }],
    data: { fdr: FDR, nReference: report.nReference, nCurrent: report.nCurrent, features: report.features.map(json), drifted: report.drifted, ...(prediction ? { prediction: { scores: prediction.scores.map(json), predictedClass: prediction.predictedClass ? json(prediction.predictedClass) : null } } : {}) },
  };
}

function severityOf(psi: number): Severity {
  return psi >= 0.25 ? 'medium' : psi >= 0.1 ? 'low' : 'info';
}

function finding(c: ScanContext, f: FeatureDrift, family: number): Finding {
  const effect = f.wasserstein === null ? `PSI ${f.psi.toFixed(3)}, Jensen–Shannon ${f.jensenShannon.toFixed(3)}` : `PSI ${f.psi.toFixed(3)}, Wasserstein-1 ${f.wasserstein.toPrecision(3)}, Jensen–Shannon ${f.jensenShannon.toFixed(3)}`;
  const test = f.test === 'ks' ? `KS D = ${f.statistic.toFixed(3)} (${f.method})` : `χ² = ${f.statistic.toFixed(1)} (df ${f.df})`;
  return {
    id: `data-drift/${f.feature}`,
    detector: 'data-drift',
    severity: severityOf(f.psi),
    title: `"${f.feature}" is distributed differently in the audited rows than in training`,
    summary: `${test}, p = ${f.pValue.toExponential(2)}, q = ${f.qValue.toExponential(2)} (Benjamini–Hochberg over ${family} features); ${effect}. n = ${f.nReference} training vs ${f.nCurrent} audited rows.`,
    metric: 'psi',
    value: f.psi,
    examples: [],
    evidence: { test: f.test, method: f.method, statistic: f.statistic, pValue: f.pValue, qValue: f.qValue, fdr: FDR, family, psi: f.psi, wasserstein: f.wasserstein, jensenShannon: f.jensenShannon, nReference: f.nReference, nCurrent: f.nCurrent, ...(f.df === undefined ? {} : { df: f.df }) },
    suggestion: f.psi >= 0.1 ? `Check how the audited rows were sampled; if this is the population the model will serve, retrain or reweight on data that covers it, and read per-slice metrics on ${f.feature}.` : `The shift is statistically clear but small (PSI < 0.1); note it and watch it over time.`,
    reproduce: reproduceCommand(c),
  };
}
