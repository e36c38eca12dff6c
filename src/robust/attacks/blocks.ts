import type { ReportBlock } from '../../results/blocks.js';
import type { RobustnessCurve } from './curve.js';
import type { MinEpsilonResult } from './min-epsilon.js';
import type { AttackSettings } from './settings.js';
import type { GroupRobustness } from './vulnerability.js';

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
const num = (v: number): number => Number(v.toPrecision(6));

/** "PGD-10 L∞, ε = 0.1, step 0.025, random start (seed 0)" */
export function describeAttack(s: AttackSettings): string {
  const norm = s.norm === 'linf' ? 'L∞' : 'L2';
  if (s.method === 'fgsm') return `FGSM ${norm}, ε = ${num(s.epsilon)}`;
  return `PGD-${s.steps} ${norm}, ε = ${num(s.epsilon)}, step ${num(s.stepSize)}, ${s.randomStart ? `random start (seed ${s.seed})` : 'no random start'}`;
}

/** The robust-accuracy curve as a Vega-Lite line with its Wilson band, and as a table. */
export function curveBlocks(curve: RobustnessCurve): ReportBlock[] {
  const values = curve.points.map((p) => ({ epsilon: p.epsilon, accuracy: p.accuracy, low: p.interval.low, high: p.interval.high }));
  const x = { field: 'epsilon', type: 'quantitative', title: 'ε' };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    width: 420,
    height: 240,
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'robust accuracy', scale: { domain: [0, 1] } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'accuracy', type: 'quantitative' }, tooltip: [{ field: 'epsilon' }, { field: 'accuracy', format: '.3f' }] } },
    ],
  };
  const method = describeAttack({ ...curve.settings, epsilon: Number.NaN })
    .replace(/, ε = NaN/, '')
    .replace(/step [^,]+/, curve.stepSizeFixed ? `step ${num(curve.settings.stepSize)}` : `step 2.5·ε/${curve.settings.steps}`);
  return [
    { kind: 'chart', caption: `Robust accuracy against ε (${method}; band: Wilson 95% interval, n = ${curve.n})`, spec },
    { kind: 'table', caption: 'Robust accuracy per ε (ε = 0: clean accuracy)', columns: ['ε', 'correct', 'accuracy', '95% interval (Wilson)'], rows: curve.points.map((p) => [num(p.epsilon), p.correct, num(p.accuracy), `[${p.interval.low.toFixed(3)}, ${p.interval.high.toFixed(3)}]`]) },
  ];
}

/** Groups (classes, slices) by robust accuracy, most vulnerable first. */
export function groupBlocks(groups: readonly GroupRobustness[], limit = 15): ReportBlock[] {
  if (groups.length === 0) return [];
  return [
    {
      kind: 'table',
      caption: 'Most vulnerable classes and slices (lowest robust accuracy first)',
      columns: ['grouping', 'value', 'n', 'clean accuracy', 'robust accuracy', '95% interval (Wilson)', 'flipped of correct'],
      rows: groups.slice(0, limit).map((g) => [g.grouping, g.value, g.n, num(g.accuracyBefore), num(g.accuracyAfter), `[${g.interval.low.toFixed(3)}, ${g.interval.high.toFixed(3)}]`, g.flipRate === null ? null : num(g.flipRate)]),
    },
  ];
}

/** Quantiles of the minimal flipping ε, with how many rows were never flipped. */
export function minEpsilonBlocks(result: MinEpsilonResult): ReportBlock[] {
  const finite = Array.from(result.minEpsilon).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const robust = result.minEpsilon.length - finite.length;
  const q = (p: number): number | null => (finite.length ? finite[Math.min(finite.length - 1, Math.floor(p * (finite.length - 1)))]! : null);
  const markdown =
    `Smallest ε that flips each row (${describeAttack(result.settings).replace(/ε = [^,]+/, `ε ≤ ${num(result.maxEpsilon)}`)}), by bisection to within ${num(result.tolerance)} ` +
    `(${result.rounds} rounds). ${robust} of ${result.minEpsilon.length} rows were not flipped at ε = ${num(result.maxEpsilon)}; rows already misclassified count as 0.`;
  return [
    { kind: 'text', markdown },
    { kind: 'table', caption: 'Minimal flipping ε over the flipped rows', columns: ['quantile', 'ε'], rows: [['min', q(0)], ['25%', q(0.25)], ['median', q(0.5)], ['75%', q(0.75)], ['max', q(1)]] },
  ];
}

/** One-paragraph summary of an attack's effect. */
export function summaryBlock(settings: AttackSettings, n: number, accuracyBefore: number, accuracyAfter: number, flipped: number): ReportBlock {
  return { kind: 'text', markdown: `${describeAttack(settings)} on ${n} rows: accuracy ${pct(accuracyBefore)} → ${pct(accuracyAfter)} (${flipped} correct predictions flipped). Loss: cross-entropy of the logits with the true label.` };
}
