import { findColumn } from '../../data/table.js';
import { limeText } from '../../explain/text/lime-text.js';
import { indexText } from '../../explain/text/tokens.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Documents explained, LIME perturbations per document (lime's default is 5000), words shown per document. */
export const TEXT_ATTRIBUTION_SETTINGS = Object.freeze({ documents: 4, samples: 1000, shownWords: 150, topWords: 8 });

/**
 * The text section: LIME-text word attributions (Ribeiro et al. 2016, lime's LimeTextExplainer) for the
 * most confident errors, explaining the predicted class, shown as highlighted text — so a reader sees
 * which words pushed the model to its wrong answer.
 */
export const textAttributions: Detector = {
  id: 'text-attributions',
  title: 'Word attributions for the most confident errors',
  category: 'explanation',
  applies(c) {
    if (!c.text) return c.pipeline ? 'the data is tabular, not text' : c.x?.shape.length === 4 ? 'the input is images, not text' : 'the model takes no raw text';
    if (c.model.task === 'regression') return 'classification models only';
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  run: (c) => runTextAttributions(c),
};

async function runTextAttributions(c: ScanContext): Promise<DetectorResult> {
  const s = TEXT_ATTRIBUTION_SETTINGS;
  const { column, classifier } = c.text!;
  const documents = findColumn(c.table, column);
  if (documents?.kind !== 'text') throw new Error(`text column "${column}" is missing from the audited rows`);
  const rows = confidentErrors(c, s.documents);
  if (rows.length === 0) return { findings: [], sections: [{ id: 'text-attributions', title: 'Word attributions', blocks: [{ kind: 'text', markdown: 'The model makes no error on the audited rows.' }] }] };
  const docs = rows.map((r) => documents.values[r]!);
  const predicted = predictedClasses(c.outputs, c.model.outputWidth, c.model.task);
  c.progress(`text-attributions: LIME on ${docs.length} documents`);
  const attribution = await limeText({ samples: s.samples, seed: c.seed }).explain(classifier, docs, {
    target: Int32Array.from(rows, (r) => predicted[r]!),
    ...(c.signal ? { signal: c.signal } : {}),
  });
  const width = attribution.shape[1] ?? 0;
  const players = attribution.extras!['tokens'] as string[][];
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `LIME for text (${s.samples} perturbations per document, seed ${c.seed}) on the ${rows.length} most confident errors, explaining the predicted class. Red words pushed towards it, blue words away.` },
  ];
  const summaries: string[] = [];
  rows.forEach((row, i) => {
    const weights = attribution.values.subarray(i * width, (i + 1) * width);
    const label = c.classes[c.labels[row]!] ?? '?';
    const guess = c.classes[predicted[row]!] ?? '?';
    const indexed = indexText(docs[i]!);
    const tokens: string[] = [];
    const tokenWeights: number[] = [];
    indexed.pieces.forEach((piece, k) => {
      const player = indexed.playerOfPiece[k]!;
      if (player < 0 || tokens.length >= s.shownWords) return;
      tokens.push(piece);
      tokenWeights.push(weights[player] ?? 0);
    });
    const top = Array.from(weights.keys()).filter((j) => j < players[i]!.length).sort((a, b) => weights[b]! - weights[a]!).slice(0, s.topWords);
    summaries.push(`row ${c.table.rowIds[row]}: ${top.map((j) => players[i]![j]).join(', ')}`);
    blocks.push({ kind: 'highlighted-text', caption: `row ${c.table.rowIds[row]}: label ${label}, predicted ${guess} (p=${c.outputs[row * c.model.outputWidth + predicted[row]!]!.toFixed(3)}); words that pushed towards "${guess}" most: ${top.map((j) => players[i]![j]).join(', ')}`, tokens, weights: tokenWeights });
  });
  const finding: Finding = {
    id: 'text-attributions/confident-errors',
    detector: 'text-attributions',
    severity: 'info',
    title: `Words behind the ${rows.length} most confident errors`,
    summary: `LIME-text on the most confident wrong predictions; the words that pushed each towards its wrong class: ${summaries.join('; ')}.`,
    metric: 'confidence',
    value: c.outputs[rows[0]! * c.model.outputWidth + predicted[rows[0]!]!]!,
    examples: rows.map((r) => c.table.rowIds[r]!),
    evidence: { documents: rows.length, samples: s.samples, seed: c.seed },
    suggestion: 'If these words should not decide the class (signatures, boilerplate, names), remove them in preprocessing or add counter-examples to the training data.',
    reproduce: reproduceCommand(c),
  };
  return {
    findings: [finding],
    sections: [{ id: 'text-attributions', title: 'Word attributions for the most confident errors', blocks }],
    data: { rows: rows.map((r) => c.table.rowIds[r]!), words: players, values: Array.from({ length: rows.length }, (_, i) => Array.from(attribution.values.subarray(i * width, i * width + players[i]!.length))) },
  };
}

/** Rows predicted wrongly, most confident first (ties by row order). */
function confidentErrors(c: ScanContext, k: number): number[] {
  const width = c.model.outputWidth;
  const predicted = predictedClasses(c.outputs, width, c.model.task);
  const errors: number[] = [];
  for (let i = 0; i < predicted.length; i++) if (c.labels[i]! >= 0 && predicted[i] !== c.labels[i]) errors.push(i);
  const confidence = (i: number): number => c.outputs[i * width + predicted[i]!]!;
  return errors.sort((a, b) => confidence(b) - confidence(a) || a - b).slice(0, k);
}
