import { describe, expect, it } from 'vitest';
import { adversarialImageGrid, imageShapeOf, spreadAcrossClasses } from './adversarial-images.js';

describe('adversarial image grid helpers', () => {
  it('spreads examples over classes in turn', () => {
    const labels = Int32Array.from([0, 0, 0, 1, 2, 2]);
    expect(spreadAcrossClasses([0, 1, 2, 3, 4, 5], labels, 4)).toEqual([0, 3, 4, 1]);
    expect(spreadAcrossClasses([0, 1], labels, 5)).toEqual([0, 1]);
  });

  it('reads channels-first, channels-last and rank-3 batches as images, nothing else', () => {
    expect(imageShapeOf([5, 1, 28, 28])).toEqual({ chw: [1, 28, 28], layout: 'nchw' });
    expect(imageShapeOf([5, 28, 28, 1])).toEqual({ chw: [1, 28, 28], layout: 'nhwc' });
    expect(imageShapeOf([5, 28, 28])).toEqual({ chw: [1, 28, 28], layout: 'nchw' });
    expect(imageShapeOf([5, 61])).toBeUndefined();
  });

  it('one grid row per example with three PNGs', async () => {
    const x = { data: new Float32Array(2 * 16).fill(0.5), shape: [2, 1, 4, 4] };
    const adv = x.data.map((v, i) => (i % 3 === 0 ? v + 0.1 : v));
    const grid = await adversarialImageGrid(x, adv, [{ index: 1, title: 'row 1' }], 'caption');
    expect(grid?.kind === 'image-grid' ? grid.rows.map((r) => r.images.length) : []).toEqual([3]);
    expect(await adversarialImageGrid({ data: new Float32Array(6), shape: [2, 3] }, new Float32Array(6), [{ index: 0, title: '' }], '')).toBeUndefined();
  });
});
