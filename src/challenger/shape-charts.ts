import type { GamJson } from '../model/interpretable/gam/gam-json.js';
import type { ReportBlock } from '../results/blocks.js';

type MainJson = Extract<GamJson['terms'][number], { kind: 'main' }>;
type PairJson = Extract<GamJson['terms'][number], { kind: 'pair' }>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Where each numeric bin starts on the x axis (the first bin starts one bin width below the first cut). */
function binStarts(cuts: readonly number[]): number[] {
  if (cuts.length === 0) return [0];
  const width = cuts.length > 1 ? cuts[1]! - cuts[0]! : Math.max(1, Math.abs(cuts[0]!) * 0.1);
  return [cuts[0]! - width, ...cuts];
}

/** Bin b's score with its ± 1 standard deviation band. */
function scoreBand(term: MainJson, b: number): { score: number; low: number; high: number } {
  return { score: term.scores[b]!, low: term.scores[b]! - term.stdev[b]!, high: term.scores[b]! + term.stdev[b]! };
}

/** A numeric main effect as a step line with a ± 1 standard deviation (over bags) band; a categorical one as bars with error rules. */
export function shapeFunctionBlock(term: MainJson, scale: string): ReportBlock {
  const missing = term.counts[0]! > 0 ? ` Missing values: ${term.scores[0]!.toFixed(3)} (${term.counts[0]} training rows).` : '';
  const caption = `${term.feature}: contribution to the ${scale} (importance ${term.importance.toFixed(3)}; band ± 1 standard deviation over bags).${missing}`;
  if (term.binning.type === 'categorical') {
    const values = term.binning.categories.map((c, k) => ({ category: c, ...scoreBand(term, k + 1), rows: term.counts[k + 1]! })).filter((v) => v.rows > 0);
    return {
      kind: 'chart',
      caption,
      spec: {
        $schema: SCHEMA,
        data: { values },
        layer: [
          { mark: 'bar', encoding: { y: { field: 'category', type: 'nominal', sort: null, title: null }, x: { field: 'score', type: 'quantitative', title: scale } } },
          { mark: 'rule', encoding: { y: { field: 'category', type: 'nominal', sort: null }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        ],
        width: 360,
      },
    };
  }
  const starts = binStarts(term.binning.cuts);
  const values = starts.map((x, k) => ({ x, ...scoreBand(term, k + 1) }));
  return {
    kind: 'chart',
    caption,
    spec: {
      $schema: SCHEMA,
      data: { values },
      encoding: { x: { field: 'x', type: 'quantitative', title: term.feature, scale: { zero: false } } },
      layer: [
        { mark: { type: 'area', interpolate: 'step-after', opacity: 0.25 }, encoding: { y: { field: 'low', type: 'quantitative', title: scale }, y2: { field: 'high' } } },
        { mark: { type: 'line', interpolate: 'step-after' }, encoding: { y: { field: 'score', type: 'quantitative' } } },
      ],
      width: 360,
      height: 180,
    },
  };
}

/** A pair term as a heat map over the two features' interaction bins. */
export function pairHeatmapBlock(term: PairJson, scale: string): ReportBlock {
  const labels = term.binnings.map((b) => (b.type === 'categorical' ? ['missing', ...b.categories] : ['missing', ...binStarts(b.cuts).map((x) => `≥ ${Number(x.toPrecision(4))}`)]));
  const values: { a: string; b: string; ia: number; ib: number; score: number }[] = [];
  term.scores.forEach((row, ia) => row.forEach((score, ib) => {
    if ((term.counts[ia]?.[ib] ?? 0) > 0) values.push({ a: labels[0]![ia]!, b: labels[1]![ib]!, ia, ib, score });
  }));
  return {
    kind: 'chart',
    caption: `Interaction ${term.features[0]} × ${term.features[1]}: contribution to the ${scale} beyond the two main effects (FAST strength ${term.strength.toFixed(2)}; cells without training rows left blank).`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      mark: 'rect',
      encoding: {
        x: { field: 'b', type: 'ordinal', sort: { field: 'ib' }, title: term.features[1], axis: { labelOverlap: true } },
        y: { field: 'a', type: 'ordinal', sort: { field: 'ia' }, title: term.features[0], axis: { labelOverlap: true } },
        color: { field: 'score', type: 'quantitative', scale: { scheme: 'redblue', domainMid: 0, reverse: true }, title: scale },
      },
      width: 360,
      height: 240,
    },
  };
}
