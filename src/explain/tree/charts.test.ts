import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { treeModel } from '../../model/trees/tree-model.js';
import { Rng } from '../../rng.js';
import { treeShap } from '../tree-shap.js';
import { attributionBlocks } from '../charts.js';
import { beeswarmSpec, dependenceSpec, strongestInteraction, treeShapReportBlocks } from './charts.js';
import { handEnsemble } from '../../../test/fixtures/trees/hand-trees.js';

// x0 and x1 interact (AND tree); x2 adds on its own
const e = handEnsemble(
  [
    { f: 0, t: 1, cover: 100, l: { leaf: 0, cover: 50 }, r: { f: 1, t: 1, cover: 50, l: { leaf: 0, cover: 25 }, r: { leaf: 4, cover: 25 } } },
    { f: 2, t: 1, cover: 100, l: { leaf: -1, cover: 50 }, r: { leaf: 1, cover: 50 } },
  ],
  3,
);
const rng = new Rng(3);
const n = 60;
const data = Float32Array.from({ length: n * 3 }, () => Math.floor(rng.next() * 3));
const x = { data, nRows: n, nFeatures: 3 };

async function render(spec: Record<string, unknown>): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  return view.toSVG();
}

describe('tree-shap report charts', () => {
  it('finds the interaction partner from interaction values, and from correlations without them', async () => {
    const model = treeModel(e);
    const withInteractions = await treeShap({ interactions: true, threads: 1 }).explain(model, { data, shape: [n, 3] });
    expect(strongestInteraction(withInteractions, 0)).toBe(1);
    expect(strongestInteraction(withInteractions, 1)).toBe(0);
    // x2's interactions are all exactly zero: no partner
    expect(strongestInteraction(withInteractions, 2)).toBeUndefined();
    const plain = await treeShap({ threads: 1 }).explain(model, { data, shape: [n, 3] });
    expect(strongestInteraction(plain, 0, x)).toBe(1);
  });

  it('beeswarm and dependence specs compile with Vega-Lite and render to SVG', async () => {
    const model = treeModel(e);
    const a = await treeShap({ interactions: true, threads: 1 }).explain(model, { data, shape: [n, 3] });
    const swarm = beeswarmSpec(a, x);
    expect((swarm.data as { values: unknown[] }).values).toHaveLength(n * 3);
    expect(await render(swarm)).toContain('<svg');
    const dep = dependenceSpec(a, x, 0);
    expect(JSON.stringify(dep.encoding)).toContain('"title":"x1"');
    expect(await render(dep)).toContain('<svg');
    const blocks = treeShapReportBlocks(a, x, { top: 2 });
    expect(blocks.map((b) => b.kind)).toEqual(['chart', 'chart', 'chart']);
    expect(() => beeswarmSpec(a, { data, nRows: n, nFeatures: 2 })).toThrow(/feature values are 60×2/);
  });

  it('names categories on the dependence axis and in its legend, never their integer codes', async () => {
    const a = await treeShap({ interactions: true, threads: 1 }).explain(treeModel(e), { data, shape: [n, 3] });
    const categories = [['rent', 'own', 'free'], ['low', 'mid', 'high'], undefined];
    const dep = dependenceSpec(a, { ...x, categories }, 0, { colorBy: 1 });
    const values = (dep.data as { values: { value: unknown; color: unknown }[] }).values;
    expect(new Set(values.map((v) => v.value))).toEqual(new Set(['rent', 'own', 'free']));
    expect(new Set(values.map((v) => v.color))).toEqual(new Set(['low', 'mid', 'high']));
    const encoding = dep.encoding as { x: { type: string; sort: string[] }; color: { type: string } };
    expect(encoding.x).toMatchObject({ type: 'nominal', sort: ['rent', 'own', 'free'] });
    expect(encoding.color.type).toBe('nominal');
    const svg = await render(dep);
    for (const name of ['rent', 'own', 'free', 'low', 'high']) expect(svg).toContain(`>${name}<`);
    expect((encoding.x as unknown as { axis: { labelAngle: number } }).axis.labelAngle).toBe(0);
    // Names too long for their band slant instead of overlapping.
    const long = dependenceSpec(a, { ...x, categories: [['Married-civ-spouse', 'Never-married', 'Divorced'], undefined, undefined] }, 0);
    expect((long.encoding as { x: { axis: { labelAngle: number } } }).x.axis.labelAngle).toBeLessThan(0);
    // A numeric feature keeps a quantitative axis.
    expect((dependenceSpec(a, { ...x, categories }, 2).encoding as { x: { type: string } }).x.type).toBe('quantitative');
  });

  it('every beeswarm uses the same blue-to-red scale of feature value rank, with or without tree interactions', async () => {
    const a = await treeShap({ threads: 1 }).explain(treeModel(e), { data, shape: [n, 3] });
    const fromTree = treeShapReportBlocks(a, x, { top: 1 })[0]!;
    const general = attributionBlocks(a, x)[0]!;
    const colour = (b: typeof general): unknown => (b.kind === 'chart' ? (b.spec.encoding as { color: unknown }).color : undefined);
    expect(colour(fromTree)).toEqual(colour(general));
    expect(colour(general)).toMatchObject({ field: 'rank', scale: { range: ['#1E88E5', '#FF0D57'] } });
  });
});
