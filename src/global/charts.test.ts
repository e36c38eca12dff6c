import { describe, expect, it } from 'vitest';
import { pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import { vegaLiteToSvg } from '../report/chart-svg.js';
import { fnModel, rawMatrix, tinyEncoder } from '../../test/conformance/fixtures.js';
import { pdpIceBlock } from './charts.js';
import { partialDependence } from './partial-dependence.js';

// A model on a numeric feature, a binary flag and a three-way category.
const encoder = tinyEncoder([
  { name: 'income', type: 'numeric' },
  { name: 'flag', type: 'numeric' },
  { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
]);
const model = fnModel(encoder.outputWidth, 2, (r) => {
  const p = 1 / (1 + Math.exp(-(0.8 * r[0]! - 1.2 * r[1]! + 0.5 * r[3]!)));
  return [1 - p, p];
});
const rng = new Rng(4);
const raw = rawMatrix(Array.from({ length: 120 }, () => [rng.normal(), rng.int(2), rng.int(3)]));
const pipe = pipeline(model, encoder);

function marks(spec: Record<string, unknown>): string[] {
  const layers = (spec.layer as Record<string, unknown>[] | undefined) ?? [spec];
  return layers.map((l) => {
    const mark = l.mark as string | { type: string };
    return typeof mark === 'string' ? mark : mark.type;
  });
}

describe('PDP/ICE charts', () => {
  it('draws a numeric feature with many values as lines', async () => {
    const block = pdpIceBlock(await partialDependence(pipe, raw, 0, { gridSize: 10 }));
    if (block.kind !== 'chart') throw new Error('expected a chart');
    expect(marks(block.spec as Record<string, unknown>)).toEqual(['line']);
  });

  it('draws a binary feature as two points, not a line, with the PDP value printed at each', async () => {
    const pd = await partialDependence(pipe, raw, 1, { gridSize: 10 });
    expect(Array.from(pd.grid)).toEqual([0, 1]);
    const block = pdpIceBlock(pd);
    if (block.kind !== 'chart') throw new Error('expected a chart');
    const spec = block.spec as Record<string, unknown>;
    expect(marks(spec)).not.toContain('line');
    expect(marks(spec)).toContain('circle');
    expect((spec.encoding as { x: { type: string } }).x.type).toBe('nominal');
    const svg = await vegaLiteToSvg(spec);
    for (const k of [0, 1]) expect(svg).toContain(pd.average[k]!.toFixed(3));
    // Readable at normal zoom: two bands, not one per ICE curve.
    const [width, height] = [/width="(\d+(?:\.\d+)?)"/, /height="(\d+(?:\.\d+)?)"/].map((re) => Number(re.exec(svg)?.[1]));
    expect(width).toBeLessThan(500);
    expect(height).toBeGreaterThan(150);
  });

  it('draws a categorical feature as points per category name', async () => {
    const pd = await partialDependence(pipe, raw, 2);
    const block = pdpIceBlock(pd);
    if (block.kind !== 'chart') throw new Error('expected a chart');
    const spec = block.spec as Record<string, unknown>;
    expect(marks(spec)).not.toContain('line');
    const svg = await vegaLiteToSvg(spec);
    for (const name of ['red', 'green', 'blue']) expect(svg).toContain(`>${name}<`);
  });
});
