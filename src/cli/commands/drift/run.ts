import { GlassboxError } from '../../../errors.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import { findColumn, type Table } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { pipeline } from '../../../model/pipeline.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { assignDomains, PERIOD_UNITS } from '../../../robust/drift/domains.js';
import { domainBenchmark, type DomainBenchmark } from '../../../robust/drift/domain-benchmark.js';
import { featureDrift, type FeatureDrift } from '../../../robust/drift/feature-drift.js';
import { performanceDrift, type PerformanceDrift } from '../../../robust/drift/performance-drift.js';
import { predictionDrift, type PredictionDrift } from '../../../robust/drift/prediction-drift.js';
import { domainBenchmarkBlocks, featureDriftTable, histogramComparison, performanceDriftTable, predictionDriftTable } from '../../../robust/drift/report-blocks.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';
import { renderBlocks } from '../../render.js';
import { loadDriftInputs, type DriftInputFlags, type DriftInputs } from './inputs.js';

export interface DriftFlags extends DriftInputFlags {
  domain?: string;
  periods?: string;
  period?: string;
  fdr?: string;
  bins?: string;
  format?: string;
}

function parseFdr(value: string | undefined): number {
  const q = value === undefined ? 0.05 : Number(value);
  if (!(q > 0 && q < 1)) throw new GlassboxError('invalid_argument', `--fdr must be a number in (0, 1); got "${value}".`, { argument: '--fdr', hint: 'e.g. --fdr 0.05' });
  return q;
}

/** `glassbox drift`: data drift per feature, and with a model prediction drift, performance drift and the domain benchmark. */
export async function runDrift(flags: DriftFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const fdr = parseFdr(flags.fdr);
  const bins = parseIntegerFlag('--bins', flags.bins, 10, 2);
  const period = flags.period === undefined ? undefined : parseChoice('--period', flags.period, PERIOD_UNITS, 'year');
  const periods = flags.periods === undefined ? undefined : parseIntegerFlag('--periods', flags.periods, 4, 2);
  if ((period !== undefined || periods !== undefined) && !flags.domain) throw new GlassboxError('invalid_argument', '--periods and --period cut the --domain column; give --domain too.', { argument: '--domain', hint: 'e.g. --domain date --period quarter' });
  const inputs = await loadDriftInputs(flags);
  try {
    if (flags.domain && !inputs.scored) throw new GlassboxError('invalid_argument', '--domain compares accuracy per domain, which needs --model and labelled current data.', { argument: '--model', hint: 'e.g. --model model.onnx --target label --domain region' });
    if (flags.domain) assignDomains(inputs.scored!.current, flags.domain, { ...(periods === undefined ? {} : { periods }), ...(period === undefined ? {} : { period }) }); // bad --domain fails before any model call
    const features = featureDrift(inputs.reference, inputs.current, { features: inputs.features, fdr, bins });
    const model = inputs.scored ? await modelDrift(inputs, { fdr, bins, ...(flags.domain ? { domain: { column: flags.domain, ...(periods === undefined ? {} : { periods }), ...(period === undefined ? {} : { period }) } } : {}) }) : {};
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(toJson(inputs, features, model), jsonNumber, 2)}\n`);
      return;
    }
    process.stdout.write(await renderBlocks(format, 'glassbox drift', blocksOf(inputs, features, model)));
  } finally {
    await inputs.scored?.model.dispose?.();
  }
}

interface ModelDrift {
  prediction?: PredictionDrift;
  performance?: PerformanceDrift;
  domains?: DomainBenchmark;
}

async function modelDrift(inputs: DriftInputs, options: { fdr: number; bins: number; domain?: { column: string; periods?: number; period?: (typeof PERIOD_UNITS)[number] } }): Promise<ModelDrift> {
  const { model, encoder, reference, current } = inputs.scored!;
  const run = pipeline(model, encoder);
  const refOut = await run.predictRaw(rawMatrixFromTable(reference, encoder.features));
  const curOut = await run.predictRaw(rawMatrixFromTable(current, encoder.features));
  const width = model.outputWidth;
  const prediction = predictionDrift({ reference: refOut, current: curOut, width, task: model.task, classes: model.classes }, { fdr: options.fdr, bins: options.bins });
  if (model.task === 'regression') return { prediction };
  const refCorrect = correctness(reference, inputs, refOut, width);
  const curCorrect = correctness(current, inputs, curOut, width);
  const count = (c: Int8Array | undefined): { correct: number; n: number } => ({ correct: c ? c.filter((x) => x === 1).length : 0, n: c ? c.filter((x) => x >= 0).length : 0 });
  const performance = refCorrect && curCorrect ? performanceDrift(count(refCorrect), count(curCorrect)) : undefined;
  let domains: DomainBenchmark | undefined;
  if (options.domain) {
    if (!curCorrect) throw new GlassboxError('invalid_argument', `--domain needs labels in the current data; no label column "${inputs.schema.target?.name ?? '(none)'}" was found.`, { argument: '--target', hint: 'Name the label column with --target or in the schema.' });
    const { column, ...cut } = options.domain;
    domains = domainBenchmark(assignDomains(current, column, cut), curCorrect);
  }
  return { prediction, ...(performance ? { performance } : {}), ...(domains ? { domains } : {}) };
}

/** 1 when the predicted class (argmax; one-column output: ≥ 0.5) equals the label, 0 when not, -1 when unlabelled; undefined without labels. */
function correctness(table: Table, inputs: DriftInputs, outputs: Float32Array, width: number): Int8Array | undefined {
  const target = inputs.schema.target;
  if (!target || target.task === 'regression' || !findColumn(table, target.name)) return undefined;
  const labels = labelsOf(table, inputs.schema);
  const out = new Int8Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    if (labels[i]! < 0) {
      out[i] = -1;
      continue;
    }
    let best = 0;
    if (width === 1) best = outputs[i]! >= 0.5 ? 1 : 0;
    else for (let k = 1; k < width; k++) if (outputs[i * width + k]! > outputs[i * width + best]!) best = k;
    out[i] = best === labels[i] ? 1 : 0;
  }
  return out;
}

/** NaN and ±Infinity become null in JSON (undefined quantities are null, never a number). */
function jsonNumber(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function featureJson(f: FeatureDrift): Record<string, unknown> {
  const { bins, kind, ...rest } = f;
  return { ...rest, kind, bins: { labels: bins.labels, reference: Array.from(bins.reference), current: Array.from(bins.current) } };
}

function toJson(inputs: DriftInputs, features: ReturnType<typeof featureDrift>, model: ModelDrift): Record<string, unknown> {
  return {
    version: 1,
    reference: { source: inputs.referenceName, rows: inputs.reference.nRows },
    current: { source: inputs.currentName, rows: inputs.current.nRows },
    fdr: features.fdr,
    features: features.features.map(featureJson),
    drifted: features.drifted,
    ...(model.prediction ? { prediction: { fdr: model.prediction.fdr, scores: model.prediction.scores.map(featureJson), predictedClass: model.prediction.predictedClass ? featureJson(model.prediction.predictedClass) : null } } : {}),
    ...(model.performance ? { performance: model.performance } : {}),
    ...(model.domains ? { domains: model.domains } : {}),
  };
}

function blocksOf(inputs: DriftInputs, features: ReturnType<typeof featureDrift>, model: ModelDrift): ReportBlock[] {
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Reference: ${inputs.referenceName} (${inputs.reference.nRows} rows). Current: ${inputs.currentName} (${inputs.current.nRows} rows). ${features.drifted.length} of ${features.features.length} features drift at FDR ${features.fdr}${features.drifted.length ? `: ${features.drifted.join(', ')}` : ''}.` },
    featureDriftTable(features.features, 'Data drift per feature: KS (numeric) or chi-square (categorical), Benjamini–Hochberg q-values over all features'),
  ];
  for (const name of features.drifted.slice(0, 6)) blocks.push(histogramComparison(features.features.find((f) => f.feature === name)!));
  if (model.prediction) blocks.push(predictionDriftTable(model.prediction));
  if (model.performance) blocks.push(performanceDriftTable(model.performance));
  if (model.domains) blocks.push(...domainBenchmarkBlocks(model.domains));
  return blocks;
}
