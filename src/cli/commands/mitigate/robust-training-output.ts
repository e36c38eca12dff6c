import type { ReportBlock } from '../../../results/blocks.js';
import { describeAttack } from '../../../robust/attacks/blocks.js';
import type { AdversarialTrainingResult, PairedChange, RobustnessEvaluation } from '../../../robust/adversarial-training/public.js';
import type { RobustTrainingInputs } from './robust-training-inputs.js';

const round = (v: number): number => Number(v.toPrecision(6));

/** One side: the two accuracies with their counts and Wilson intervals beside them. */
function sideJson(e: RobustnessEvaluation): Record<string, unknown> {
  return {
    n: e.n,
    accuracy: e.accuracy.value,
    robustAccuracy: e.robustAccuracy.value,
    correct: { accuracy: e.accuracy.correct, robustAccuracy: e.robustAccuracy.correct },
    intervals: { accuracy: e.accuracy.interval, robustAccuracy: e.robustAccuracy.interval },
  };
}

const changeJson = (c: PairedChange): Record<string, unknown> => ({ value: c.value, interval: c.interval, gained: c.gained, lost: c.lost });

/** The method's JSON body: settings, training history, held-out rows, before/after and the change. */
export function robustTrainingJson(inputs: RobustTrainingInputs, result: AdversarialTrainingResult): { before: unknown; after: unknown } & Record<string, unknown> {
  const t = result.training;
  return {
    model: inputs.describe.model,
    data: inputs.describe.data,
    epsilon: result.settings.epsilon,
    settings: { ...result.settings, bounds: inputs.boundsNote },
    training: {
      epochs: t.epochsRun,
      trainRows: t.trainRows,
      optimizer: t.optimizer,
      seed: t.seed,
      history: t.history.map((h) => ({ epoch: h.epoch, loss: h.loss, taskLoss: h.taskLoss, penalties: h.penalties })),
    },
    heldOut: { rows: inputs.heldOut.labels.length, how: inputs.split, rowIds: Array.from(inputs.heldOut.rowIds) },
    evaluation: { attack: result.before.attack, description: `robust accuracy: ${describeAttack(result.before.attack)}, each row attacked from its clean input` },
    before: sideJson(result.before),
    after: sideJson(result.after),
    change: { accuracy: changeJson(result.change.accuracy), robustAccuracy: changeJson(result.change.robustAccuracy) },
  };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const ci = (i: { low: number; high: number }): string => `[${pct(i.low)}, ${pct(i.high)}]`;
const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${(100 * Math.abs(v)).toFixed(1)} pts`;

function methodLine(result: AdversarialTrainingResult): string {
  const s = result.settings;
  const norm = s.norm === 'linf' ? 'L∞' : 'L2';
  const inner = `PGD-${s.steps} ${norm} at ε = ${round(s.trainingEpsilon)} (step ${round(s.stepSize)})`;
  return s.method === 'trades'
    ? `TRADES (Zhang et al. 2019): cross-entropy on clean rows + β·KL(f(x) ‖ f(x′)) with β = ${s.beta}, x′ from ${inner} on the KL`
    : `PGD adversarial training (Madry et al. 2018) on ${inner}${s.cleanWeight ? `, mixed with clean rows (weight ${s.cleanWeight})` : ''}`;
}

/** Grouped bars of clean and robust accuracy before and after, with their Wilson intervals. */
function accuracyChart(result: AdversarialTrainingResult): ReportBlock {
  const values = (['before', 'after'] as const).flatMap((when) =>
    (['accuracy', 'robustAccuracy'] as const).map((metric) => {
      const e = result[when][metric];
      return { when, metric: metric === 'accuracy' ? 'clean accuracy' : 'robust accuracy', value: e.value, low: e.interval.low, high: e.interval.high };
    }),
  );
  const x = { field: 'metric', type: 'nominal', title: null, axis: { labelAngle: 0 } };
  const offset = { field: 'when', sort: ['before', 'after'] };
  return {
    kind: 'chart',
    caption: 'Held-out accuracy before and after (error bars: Wilson 95% intervals)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      width: 320,
      height: 220,
      encoding: { x, xOffset: offset },
      layer: [
        { mark: 'bar', encoding: { color: { field: 'when', type: 'nominal', sort: ['before', 'after'], title: null }, y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } }, tooltip: [{ field: 'when' }, { field: 'metric' }, { field: 'value', format: '.3f' }] } },
        { mark: { type: 'rule', color: 'black' }, encoding: { x: { ...x, bandPosition: 0.5 }, xOffset: { ...offset, bandPosition: 0.5 }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      ],
    },
  };
}

/** Table/HTML output: what was done, before/after with intervals, the paired change, the loss per epoch. */
export function robustTrainingBlocks(inputs: RobustTrainingInputs, result: AdversarialTrainingResult): ReportBlock[] {
  const attack = describeAttack(result.before.attack);
  const row = (label: string, metric: 'accuracy' | 'robustAccuracy'): (string | number)[] => {
    const b = result.before[metric];
    const a = result.after[metric];
    const c = result.change[metric];
    return [label, pct(b.value), ci(b.interval), pct(a.value), ci(a.interval), signed(c.value), `${signed(c.interval.low)} to ${signed(c.interval.high)}`];
  };
  const t = result.training;
  return [
    {
      kind: 'text',
      markdown:
        `${methodLine(result)}, fine-tuned for ${t.epochsRun} epoch${t.epochsRun === 1 ? '' : 's'} on ${t.trainRows} training rows (seed ${result.seed}). ` +
        `Judged on ${inputs.heldOut.labels.length} held-out rows (${inputs.split}); robust accuracy is the accuracy under ${attack}. Bounds: ${inputs.boundsNote}.`,
    },
    {
      kind: 'table',
      caption: `Before → after on the held-out rows (intervals 95%: Wilson for each accuracy, Newcombe's paired interval for the change)`,
      columns: ['metric', 'before', 'before CI', 'after', 'after CI', 'change', 'change CI'],
      rows: [row('clean accuracy', 'accuracy'), row(`robust accuracy (ε = ${round(result.settings.epsilon)})`, 'robustAccuracy')],
    },
    accuracyChart(result),
    {
      kind: 'table',
      caption: 'Training loss per epoch (mean over the batches; TRADES: cross-entropy and the KL term before β)',
      columns: ['epoch', 'loss', 'cross-entropy', ...(result.settings.method === 'trades' ? ['KL'] : [])],
      rows: t.history.map((h) => [h.epoch, round(h.loss), round(h.taskLoss), ...(result.settings.method === 'trades' ? [round(h.penalties['trades-kl'] ?? Number.NaN)] : [])]),
    },
  ];
}
