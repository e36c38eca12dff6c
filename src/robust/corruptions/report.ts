import type { ReportBlock } from '../../results/blocks.js';
import type { RobustnessResult } from './evaluate.js';

const r4 = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1e4) / 1e4);

/** Accuracy against severity, one line per corruption, the clean accuracy as a dashed rule. */
export function accuracyChartBlock(result: RobustnessResult): ReportBlock {
  if (result.severities.length === 1) return accuracyBarsBlock(result);
  const values = result.corruptions.map((s) => ({ corruption: s.name, family: s.family, severity: s.severity, accuracy: r4(s.accuracy), low: r4(s.interval.low), high: r4(s.interval.high) }));
  return {
    kind: 'chart',
    caption: `Accuracy under each corruption by severity (${result.n} images, seed ${result.seed}, ${result.regime} table); dashed: clean accuracy ${result.clean.accuracy.toFixed(3)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 520,
      height: 300,
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'severity', type: 'ordinal', title: 'severity', axis: { labelAngle: 0 } },
            y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
            color: { field: 'corruption', type: 'nominal', scale: { scheme: 'category20' } },
            strokeDash: { field: 'family', type: 'nominal', legend: { title: 'family (line style)', symbolType: 'stroke' } },
            tooltip: [{ field: 'corruption' }, { field: 'severity' }, { field: 'accuracy' }, { field: 'low', title: 'Wilson low' }, { field: 'high', title: 'Wilson high' }],
          },
        },
        { data: { values: [{ clean: r4(result.clean.accuracy) }] }, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y: { field: 'clean', type: 'quantitative' } } },
      ],
    },
  };
}

/** The accuracy matrix (corruption × severity), CE per corruption and the summary. */
export function robustnessTables(result: RobustnessResult): ReportBlock[] {
  const names = [...new Set(result.corruptions.map((s) => s.name))];
  const acc = (name: string, sev: number): number | null => r4(result.corruptions.find((s) => s.name === name && s.severity === sev)?.accuracy);
  const ce = (name: string): (number | null)[] => {
    const c = result.ce.find((e) => e.name === name);
    return result.normalised ? [r4(c?.ce), r4(c?.relativeCe)] : [r4(c?.ce)];
  };
  const ceColumns = result.normalised ? ['CE', 'relative CE'] : ['CE (mean error)'];
  const summary = result.normalised
    ? `mCE ${r4(result.mCE) ?? 'undefined'} and relative mCE ${r4(result.relativeMCE) ?? 'undefined'} against the baseline model (1 = as robust as the baseline; lower is better).`
    : `Unnormalised mCE (mean error over the ${result.corruptions.length} settings) ${r4(result.mCE) ?? 'undefined'}; clean error ${r4(1 - result.clean.accuracy)}. Give --baseline-model to normalise as Hendrycks & Dietterich do.`;
  return [
    { kind: 'text', markdown: summary },
    {
      kind: 'table',
      caption: `Accuracy per corruption and severity (clean ${result.clean.accuracy.toFixed(4)}, Wilson ${result.clean.interval.low.toFixed(3)}–${result.clean.interval.high.toFixed(3)})`,
      columns: ['corruption', ...result.severities.map((s) => `severity ${s}`), ...ceColumns],
      rows: names.map((n) => [n, ...result.severities.map((s) => acc(n, s)), ...ce(n)]),
    },
    {
      kind: 'table',
      caption: 'Error per class: clean and mean over every corruption × severity',
      columns: ['class', 'n', 'clean error', 'corruption error'],
      rows: result.perClass.map((g) => [g.group, g.n, r4(g.cleanError), r4(g.corruptionError)]),
    },
    ...result.perSlice.map((slice): ReportBlock => ({ kind: 'table', caption: `Error by ${slice.column}: clean and mean over every corruption × severity`, columns: [slice.column, 'n', 'clean error', 'corruption error'], rows: slice.groups.map((g) => [g.group, g.n, r4(g.cleanError), r4(g.corruptionError)]) })),
  ];
}

/** One severity: a bar per corruption (worst first) with its Wilson interval, the clean accuracy as a dashed rule. */
function accuracyBarsBlock(result: RobustnessResult): ReportBlock {
  const values = [...result.corruptions].sort((a, b) => a.accuracy - b.accuracy).map((s) => ({ corruption: s.name, family: s.family, accuracy: r4(s.accuracy), low: r4(s.interval.low), high: r4(s.interval.high) }));
  const y = { field: 'corruption', type: 'nominal', sort: null, title: null };
  return {
    kind: 'chart',
    caption: `Accuracy under each corruption at severity ${result.severities[0]} with Wilson intervals (${result.n} images, seed ${result.seed}, ${result.regime} table); dashed: clean accuracy ${result.clean.accuracy.toFixed(3)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 420,
      layer: [
        { data: { values }, mark: 'bar', encoding: { y, x: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } }, color: { field: 'family', type: 'nominal' }, tooltip: [{ field: 'corruption' }, { field: 'accuracy' }, { field: 'low' }, { field: 'high' }] } },
        { data: { values }, mark: { type: 'rule', color: 'black' }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { data: { values: [{ clean: r4(result.clean.accuracy) }] }, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { x: { field: 'clean', type: 'quantitative' } } },
      ],
    },
  };
}
