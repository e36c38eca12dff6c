import type { ReportBlock } from '../../results/blocks.js';
import type { CertifyResult } from './certify.js';

const METHOD_NAMES: Record<string, string> = { ibp: 'IBP', crown: 'CROWN', 'crown-ibp': 'CROWN-IBP' };

/** Certified accuracy of one or more methods side by side, with what the numbers mean; `timing: false` leaves out wall times (for reproducible reports). */
export function certifyBlocks(results: readonly CertifyResult[], correct?: Uint8Array, options: { timing?: boolean } = {}): ReportBlock[] {
  const timing = options.timing ?? true;
  const first = results[0];
  if (!first) return [];
  const clip = first.clip ? `clipped to [${first.clip[0]}, ${first.clip[1]}]` : 'not clipped';
  const clean = correct ? correct.reduce((a, b) => a + b, 0) / Math.max(1, correct.length) : undefined;
  const rows = results.map((r) => {
    const count = r.certified.reduce((a, b) => a + b, 0);
    const row = [METHOD_NAMES[r.method] ?? r.method, r.epsilon, round(r.certifiedAccuracy), `${count}/${r.rows}`, round(median(r.margin))];
    return timing ? [...row, round((r.seconds * 1000) / Math.max(1, r.rows))] : row;
  });
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      markdown:
        `An example is **certified** when no input in its L∞ box of radius ε (${clip}) can change the prediction away from its label: ` +
        `a sound lower bound of logit[label] − logit[j] is positive for every other class j. Certified accuracy is a lower bound on the ` +
        `accuracy under any attack of that size${clean === undefined ? '' : ` (clean accuracy on these rows: ${round(clean)})`}. ` +
        'IBP propagates intervals (Gowal et al. 2018); CROWN back-substitutes linear relaxations of each ReLU and max-pool (Zhang et al. 2018, as in auto_LiRPA) and is tighter.' +
        (first.skippedHead ? ` The model ends in ${first.skippedHead}; the bounds are on the logits before it.` : ''),
    },
    { kind: 'table', caption: 'Certified accuracy by method', columns: ['method', 'ε', 'certified accuracy', 'certified rows', 'median margin bound', ...(timing ? ['ms per example'] : [])], rows },
  ];
  return blocks;
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
}

function median(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
