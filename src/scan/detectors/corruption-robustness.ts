import { corruptImages, imageGeometry } from '../../robust/corruptions/corrupt.js';
import { corruptionRobustness, type RobustnessResult, type SettingResult } from '../../robust/corruptions/evaluate.js';
import { gridPng } from '../../robust/corruptions/preview.js';
import { accuracyChartBlock, robustnessTables } from '../../robust/corruptions/report.js';
import { CORRUPTION_NAMES, type Severity } from '../../robust/corruptions/types.js';
import type { Tensor } from '../../model/tensor.js';
import type { ImageGridRow, ReportBlock } from '../../results/blocks.js';
import { severityRank, type Finding, type Severity as FindingSeverity } from '../../results/finding.js';
import { Rng } from '../../rng.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/**
 * What the scan runs (results.json records it). All 15 ImageNet-C corruptions at the middle severity
 * only, on a seeded sample of the labelled images, so the check stays a few seconds on small images;
 * `scan --corruption-severities 1,2,3,4,5` widens it to the full benchmark and `--corruption-images N`
 * changes the sample. Larger images get fewer images so that images × values × settings stays under the
 * budget (about 220 RGB images of 224 × 224 at one severity).
 */
export const CORRUPTION_SCAN_SETTINGS = Object.freeze({
  severities: [3] as readonly Severity[],
  maxImages: 500,
  /** Pixel values × settings corrupted at most (one 224×224×3 image at one severity is 150,528 × 1). */
  valueBudget: 5e8,
  minImages: 50,
  /** An accuracy drop is reported when its paired 95% interval excludes 0 and it is at least this. */
  minDrop: 0.02,
  /** Example images per reported corruption, for the worst `exampleCorruptions` corruptions. */
  examples: 3,
  exampleCorruptions: 6,
});

export const corruptionRobustnessDetector: Detector = {
  id: 'corruption-robustness',
  title: 'Robustness to common corruptions (ImageNet-C)',
  category: 'robustness',
  applies: (c) => {
    if (!c.x || (c.x.shape.length !== 4 && c.x.shape.length !== 3)) return c.pipeline ? 'the data is tabular, not images' : c.text ? 'the input is text, not images' : 'needs image input: a tensor [n, C, H, W] or [n, H, W, C]';
    if (c.model.task === 'regression') return 'classification models only';
    if (labelledRows(c.labels).length === 0) return 'the data has no labels';
    for (const v of c.x.data) if (!(v >= 0 && v <= 1)) return `pixel values must lie in [0, 1] for the corruptions to mean what they say; this input holds ${v}`;
    return true;
  },
  run: (c) => runCorruptionScan(c),
};

async function runCorruptionScan(c: ScanContext): Promise<DetectorResult> {
  const x = c.x!;
  const g = imageGeometry(x);
  const severities = severitiesOption(c.options.corruptionSeverities);
  const settings = CORRUPTION_NAMES.length * severities.length;
  const perImage = g.channels * g.height * g.width * settings;
  const cap = typeof c.options.corruptionImages === 'number' ? c.options.corruptionImages : CORRUPTION_SCAN_SETTINGS.maxImages;
  const budget = Math.max(CORRUPTION_SCAN_SETTINGS.minImages, Math.floor(CORRUPTION_SCAN_SETTINGS.valueBudget / perImage));
  const labelled = labelledRows(c.labels);
  const take = Math.min(labelled.length, cap, budget);
  const chosen = Array.from(new Rng(c.seed).permutation(labelled.length).subarray(0, take), (k) => labelled[k]!).sort((a, b) => a - b);
  const images = gather(x, chosen);
  const labels = Int32Array.from(chosen, (r) => c.labels[r]!);
  c.progress(`corrupting ${take} images × ${settings} settings`);
  const result = await corruptionRobustness(c.model, images, labels, {
    severities,
    seed: c.seed,
    confidence: c.options.confidence,
    ...(c.signal ? { signal: c.signal } : {}),
    onProgress: (done, total, label) => c.progress(`corruptions ${done}/${total}: ${label}`),
  });
  const rowIds = chosen.map((r) => c.table.rowIds[r]!);
  const worst = worstPerCorruption(result);
  const findings = foldByFamily(worst.map((s) => finding(c, result, s, rowIds)));
  const grid = await exampleGrid(c, images, labels, worst, rowIds, result);
  const notes: ReportBlock = {
    kind: 'text',
    markdown: `The ${CORRUPTION_NAMES.length} ImageNet-C corruptions (Hendrycks & Dietterich 2019) at severit${severities.length > 1 ? 'ies' : 'y'} ${severities.join(', ')} (${result.regime} parameter table), on ${take} of the ${labelled.length} labelled images (seeded sample, seed ${c.seed}). A corruption is reported when accuracy drops by at least ${CORRUPTION_SCAN_SETTINGS.minDrop} and the paired 95% interval of the drop (Newcombe) excludes 0. Widen with \`scan --corruption-severities 1,2,3,4,5\`, or run \`glassbox robustness\` for the full benchmark with CE and mCE.`,
  };
  return {
    findings,
    sections: [{ id: 'corruption-robustness', title: 'Robustness to common corruptions', blocks: [notes, accuracyChartBlock(result), ...robustnessTables(result), ...(grid ? [grid] : [])] }],
    data: {
      settings: { ...CORRUPTION_SCAN_SETTINGS, severities, images: take, regime: result.regime, layout: result.layout, seed: c.seed },
      rowIds,
      clean: result.clean,
      corruptions: result.corruptions.map(({ flippedRows, ...s }) => ({ ...s, flippedRowIds: flippedRows.map((i) => rowIds[i]!) })),
      mCE: result.mCE,
      perClass: result.perClass,
    },
  };
}

function severitiesOption(value: unknown): Severity[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!list) return [...CORRUPTION_SCAN_SETTINGS.severities];
  const out = list.map(Number).filter((v): v is Severity => Number.isInteger(v) && v >= 1 && v <= 5);
  return out.length > 0 ? [...new Set(out)].sort((a, b) => a - b) : [...CORRUPTION_SCAN_SETTINGS.severities];
}

/** For each corruption with a significant drop, its setting with the largest drop. */
function worstPerCorruption(result: RobustnessResult): SettingResult[] {
  const out: SettingResult[] = [];
  for (const name of CORRUPTION_NAMES) {
    const significant = result.corruptions.filter((s) => s.name === name && s.drop.interval.low > 0 && s.drop.value >= CORRUPTION_SCAN_SETTINGS.minDrop);
    if (significant.length > 0) out.push(significant.reduce((a, b) => (b.drop.value > a.drop.value ? b : a)));
  }
  return out.sort((a, b) => b.drop.value - a.drop.value);
}

function severityOf(drop: number): FindingSeverity {
  return drop >= 0.3 ? 'high' : drop >= 0.1 ? 'medium' : 'low';
}

function finding(c: ScanContext, result: RobustnessResult, s: SettingResult, rowIds: readonly number[]): Finding {
  const fmt = (v: number): string => v.toFixed(3);
  return {
    id: `corruption-robustness/${s.name}`,
    detector: 'corruption-robustness',
    severity: severityOf(s.drop.value),
    title: `Accuracy drops by ${fmt(s.drop.value)} under ${s.name.replace(/_/g, ' ')} (severity ${s.severity})`,
    summary: `Accuracy ${fmt(s.accuracy)} under ${s.name} at severity ${s.severity} against ${fmt(result.clean.accuracy)} clean on the same ${s.n} images: ${s.flippedToWrong} images turn wrong, ${s.flippedToRight} turn right (drop ${fmt(s.drop.value)}, 95% paired interval ${fmt(s.drop.interval.low)}–${fmt(s.drop.interval.high)}).`,
    metric: 'accuracy_drop',
    value: s.drop.value,
    baseline: result.clean.accuracy,
    interval: { ...s.drop.interval, method: `${s.drop.interval.method} for accuracy_drop` },
    examples: s.flippedRows.slice(0, 10).map((i) => rowIds[i]!),
    evidence: { corruption: s.name, family: s.family, severity: s.severity, n: s.n, accuracy: s.accuracy, cleanAccuracy: result.clean.accuracy, flippedToWrong: s.flippedToWrong, flippedToRight: s.flippedToRight, regime: result.regime, seed: result.seed },
    suggestion: `Train with ${s.family === 'noise' ? 'noise' : s.family === 'blur' ? 'blur' : s.family === 'weather' ? 'weather-like overlays' : 'photometric and resampling'} augmentations (or AugMix-style mixtures), and check whether deployment images can look like this; \`glassbox robustness --corruptions ${s.name}\` gives every severity.`,
    reproduce: reproduceCommand(c),
  };
}

/**
 * One finding per corruption family (noise, blur, weather, digital): the family's worst corruption leads,
 * and the family's other reported corruptions sit beside it as the same test at other settings. Fifteen
 * corruptions would otherwise crowd the findings list with near-restatements of one weakness.
 */
function foldByFamily(findings: readonly Finding[]): Finding[] {
  const byFamily = new Map<string, Finding[]>();
  for (const f of findings) {
    const family = String(f.evidence.family);
    byFamily.set(family, [...(byFamily.get(family) ?? []), f]);
  }
  return [...byFamily.entries()].map(([family, [lead, ...rest]]) => {
    if (rest.length === 0) return lead!;
    const worst = [lead!, ...rest].reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    return {
      ...lead!,
      severity: worst.severity,
      title: `${lead!.title}; ${rest.length} more ${family} corruption${rest.length === 1 ? '' : 's'} also hurt`,
      related: rest.map(({ id, detector, severity, title, summary, metric, value, baseline, interval }) => ({
        id, detector, severity, title, summary, metric, value, ...(baseline !== undefined ? { baseline } : {}), ...(interval ? { interval } : {}),
        relation: 'same-test' as const,
        reason: `another ${family} corruption; the same robustness gap`,
      })),
    };
  });
}

/** For the worst reported corruptions, a few images that turn wrong: original beside corrupted, with both predictions. */
async function exampleGrid(c: ScanContext, images: Tensor, labels: Int32Array, worst: readonly SettingResult[], rowIds: readonly number[], result: RobustnessResult): Promise<ReportBlock | undefined> {
  if (worst.length === 0) return undefined;
  const g = imageGeometry(images);
  const rows: ImageGridRow[] = [];
  for (const s of worst.slice(0, CORRUPTION_SCAN_SETTINGS.exampleCorruptions)) {
    for (const i of s.flippedRows.slice(0, CORRUPTION_SCAN_SETTINGS.examples)) {
      const one = gather(images, [i]);
      // image i's own noise stream: corrupting it alone at its index reproduces it exactly
      const corrupted = await corruptImages(one, s.name, s.severity, { seed: result.seed, firstIndex: i, regime: result.regime, layout: g.layout });
      const predicted = async (t: Tensor): Promise<number> => predictedClasses(await c.model.predict(t), c.model.outputWidth, c.model.task)[0]!;
      const before = await predicted(one);
      const after = await predicted(corrupted);
      const png = async (t: Tensor): Promise<string> => (await gridPng([[{ x: t, row: 0 }]], { ...g, n: 1 })).toString('base64');
      rows.push({ title: `${s.name} ${s.severity} · row ${rowIds[i]} · label ${c.classes[labels[i]!]}: ${c.classes[before]} → ${c.classes[after]}`, images: [await png(one), await png(corrupted)] });
    }
  }
  return { kind: 'image-grid', caption: `Images the model gets right clean and wrong corrupted, for the ${Math.min(worst.length, CORRUPTION_SCAN_SETTINGS.exampleCorruptions)} largest drops (original | corrupted; click to enlarge)`, columns: ['original', 'corrupted'], rows };
}

function gather(x: Tensor, rows: readonly number[]): Tensor {
  const size = x.data.length / x.shape[0]!;
  const data = new Float32Array(rows.length * size);
  rows.forEach((r, i) => data.set(x.data.subarray(r * size, (r + 1) * size), i * size));
  return { data, shape: [rows.length, ...x.shape.slice(1)] };
}
