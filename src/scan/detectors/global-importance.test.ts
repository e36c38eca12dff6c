import { describe, expect, it } from 'vitest';
import { vegaLiteToSvg } from '../../report/chart-svg.js';
import { globalImportance } from './global-importance.js';
import type { ScanContext } from '../detector.js';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../../test/conformance/fixtures.js';

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

/** A binary classifier with a known ranking: logit = 4·x0 + 1.5·x1 + 0·x2 on independent standard normals. */
function knownRankingContext(): ScanContext {
  const n = 400;
  const rng = new Rng(3);
  const raw = rawMatrix(Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const encoder = tinyEncoder([{ name: 'strong', type: 'numeric' }, { name: 'weak', type: 'numeric' }, { name: 'unused', type: 'numeric' }]);
  const model = fnModel(3, 2, (r) => {
    const p = 1 / (1 + Math.exp(-(4 * r[0]! + 1.5 * r[1]! + 0 * r[2]!)));
    return [1 - p, p];
  });
  // labels: the model's decision with 10% flipped, so accuracy can drop when a used feature is shuffled
  const labels = Float64Array.from({ length: n }, (_, i) => {
    const z = 4 * raw.data[i * 3]! + 1.5 * raw.data[i * 3 + 1]!;
    return (z > 0) !== rng.next() < 0.1 ? 1 : 0;
  });
  return {
    table: { nRows: n, rowIds: Int32Array.from({ length: n }, (_, i) => i), columns: [] },
    schema: { features: [] } as unknown as ScanContext['schema'],
    model,
    pipeline: pipeline(model, encoder),
    raw,
    outputs: new Float32Array(0),
    labels,
    classes: ['no', 'yes'],
    seed: 0,
    options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 },
    progress: () => undefined,
  };
}

describe('global-importance detector on a model with a known ranking', () => {
  it('ranks strong > weak > unused by permutation importance and by mean |SHAP|, and names them in that order', async () => {
    const result = await globalImportance.run(knownRankingContext());
    const data = result.data as { featureNames: string[]; importances: number[]; meanAbsShap: number[] };
    const rank = (v: number[]): string[] => data.featureNames.map((name, j) => ({ name, v: v[j]! })).sort((a, b) => b.v - a.v).map((e) => e.name);
    expect(rank(data.importances)).toEqual(['strong', 'weak', 'unused']);
    expect(rank(data.meanAbsShap)).toEqual(['strong', 'weak', 'unused']);
    // the model ignores 'unused': shuffling it changes no prediction, and its SHAP values are 0
    expect(data.importances[2]).toBe(0);
    expect(data.meanAbsShap[2]!).toBeLessThan(1e-9);
    expect(data.importances[0]!).toBeGreaterThan(2 * data.importances[1]!);
    expect(result.findings[0]!.title).toBe('The model relies most on strong, weak, unused');
  }, 60_000);
});

describe('global-importance detector on a tree model', () => {
  it('shows one beeswarm for its one explainer (TreeSHAP), beside the dependence plots', async () => {
    const { handEnsemble } = await import('../../../test/fixtures/trees/hand-trees.js');
    const { treeModel } = await import('../../model/trees/tree-model.js');
    const ensemble = handEnsemble(
      [
        { f: 0, t: 0, cover: 100, l: { leaf: -2, cover: 50 }, r: { f: 1, t: 0, cover: 50, l: { leaf: 0.5, cover: 25 }, r: { leaf: 2, cover: 25 } } },
        { f: 1, t: 0.5, cover: 100, l: { leaf: -0.5, cover: 60 }, r: { leaf: 0.5, cover: 40 } },
      ],
      3,
      { link: 'logistic' },
    );
    const context = knownRankingContext();
    const model = treeModel(ensemble);
    const encoder = (context.pipeline as NonNullable<ScanContext['pipeline']>).encoder;
    const result = await globalImportance.run({ ...context, model, pipeline: pipeline(model, encoder) });
    const blocks = result.sections?.find((s) => s.id === 'global-importance')?.blocks ?? [];
    const captions = blocks.flatMap((b) => (b.kind === 'chart' ? [b.caption ?? ''] : []));
    expect(captions.filter((c) => /beeswarm/.test(c))).toHaveLength(1);
    expect(captions.filter((c) => /^Dependence plot/.test(c))).toHaveLength(2);
  }, 60_000);
});
