import { describe, expect, it } from 'vitest';
import { vegaLiteToSvg } from '../../report/chart-svg.js';
import { globalImportance } from './global-importance.js';

describe('global-importance detector on the credit demo', () => {
  it('ranks features, reports mean |SHAP| and renders its charts', async () => {
    const { loadDemoInputs } = await import('../../cli/load-demo.js');
    const { scan } = await import('../scan.js');
    const inputs = await loadDemoInputs('credit', { seed: 0 });
    const results = await scan(inputs, { detectors: [globalImportance], seed: 0 });
    const finding = results.findings.find((f) => f.id === 'global-importance/top-features');
    expect(finding?.severity).toBe('info');
    const section = results.sections.find((s) => s.id === 'global-importance')!;
    const charts = section.blocks.filter((b) => b.kind === 'chart');
    expect(charts.length).toBeGreaterThanOrEqual(5); // importance, beeswarm, waterfall, 2 × PDP/ICE
    for (const chart of charts) if (chart.kind === 'chart') expect(await vegaLiteToSvg(chart.spec)).toMatch(/^<svg/);
  }, 60_000);
});
