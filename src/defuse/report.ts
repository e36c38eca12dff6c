import type { ReportBlock } from '../results/blocks.js';
import type { CorrectionResult } from './correct.js';
import type { ReconstructionQuality } from './quality.js';
import type { ScenarioJson } from './scenarios-file.js';

const pct = (v: number | null | undefined): string => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(1)}%`);

function topCounts(counts: Record<string, number>, k = 3): string {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, k).map(([name, n]) => `${name} (${n})`).join(', ');
}

/** The VAE's reconstruction quality as a table. */
export function qualityBlock(q: ReconstructionQuality): ReportBlock {
  return {
    kind: 'table',
    caption: `VAE reconstructions of ${q.images} held-out images`,
    columns: ['pixel MSE', 'classifier accuracy (originals)', 'classifier accuracy (reconstructions)', 'reconstruction classifier accuracy'],
    rows: [[Number(q.pixelMse.toFixed(5)), pct(q.accuracyOriginal), pct(q.accuracyReconstructed), pct(q.checkerAccuracy)]],
  };
}

/**
 * One figure per scenario: its PNG sheet (decoded members, prediction top-left) at a readable width, captioned
 * with its label distributions. (As thumbnails in an image grid, a sheet of dozens of digits could not be read.)
 */
export function scenarioGridBlocks(scenarios: readonly ScenarioJson[], pngs: readonly Buffer[]): ReportBlock[] {
  return scenarios.map((s, k) => ({
    kind: 'image',
    caption: `Failure scenario ${s.id}: ${s.size} decoded examples from ${s.sources} source images · source ${topCounts(s.sourceLabels)} → predicted ${topCounts(s.predictedLabels)}${s.annotation !== null ? ` · annotated ${s.annotation}` : ''} (the classifier's prediction in each top-left corner)`,
    pngBase64: pngs[k]!.toString('base64'),
    width: SCENARIO_SHEET_WIDTH,
  }));
}

const SCENARIO_SHEET_WIDTH = 520;

/** Before → after tables of a correction. */
export function correctionBlocks(c: CorrectionResult, classes: readonly string[]): ReportBlock[] {
  return [
    {
      kind: 'table',
      caption: `Correction: fine-tuned ${c.training.epochsRun} epochs on the training data plus ${c.scenarioRows} scenario rows (λ = ${c.options.lambda}); held-out = examples of source images fine-tuning never saw`,
      columns: ['', 'before', 'after', 'n'],
      rows: [
        ['held-out scenario examples', pct(c.scenarioAccuracyBefore), pct(c.scenarioAccuracyAfter), c.heldOut],
        ['test set', pct(c.testAccuracyBefore), pct(c.testAccuracyAfter), c.perClass.reduce((a, p) => a + p.n, 0)],
      ],
    },
    {
      kind: 'table',
      caption: `Per scenario (accuracy on its held-out examples against the annotation); sampled codes ${c.options.sampling === 'recognisable' ? 'kept because their decodes pass the search\'s recognisability check, of those drawn' : 'drawn from the scenario\'s Gaussian'}`,
      columns: ['scenario', 'annotation', 'fine-tuning examples', c.options.sampling === 'recognisable' ? 'sampled codes (kept / drawn)' : 'sampled codes', 'held-out', 'before', 'after'],
      rows: c.scenarios.map((s) => [s.id, classes[s.label] ?? String(s.label), s.fitMembers, c.options.sampling === 'recognisable' ? `${s.samples} / ${s.samplesDrawn}` : s.samples, s.heldOut, pct(s.accuracyBefore), pct(s.accuracyAfter)]),
    },
    {
      kind: 'table',
      caption: 'Per class on the test set',
      columns: ['class', 'n', 'before', 'after', 'change (points)'],
      rows: c.perClass.map((p) => [classes[p.label] ?? String(p.label), p.n, pct(p.accuracyBefore), pct(p.accuracyAfter), Number((100 * (p.accuracyAfter - p.accuracyBefore)).toFixed(1))]),
    },
  ];
}
