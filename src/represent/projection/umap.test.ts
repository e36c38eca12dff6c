import { describe, expect, it } from 'vitest';
import { gaussianClusters } from '../../../test/support/gaussian-clusters.js';
import { exactNeighbors } from './neighbors.js';
import { trustworthiness } from './trustworthiness.js';
import { umap } from './umap.js';

describe('UMAP (umap-js, seeded)', () => {
  it('keeps Gaussian clusters apart and gives the same bytes for the same seed', async () => {
    const { m, labels } = gaussianClusters(300, 20, 4, 11);
    const a = await umap(m, { seed: 1, epochs: 200 });
    const n = 300;
    const g = exactNeighbors({ data: a.coordinates, rows: n, cols: 2 }, 10);
    let agree = 0;
    for (let i = 0; i < n; i++) {
      let same = 0;
      for (let t = 0; t < 10; t++) if (labels[g.indices[i * 10 + t]!] === labels[i]) same++;
      if (same > 5) agree++;
    }
    expect(agree / n).toBeGreaterThan(0.99);
    expect(trustworthiness(m, { data: a.coordinates, rows: n, cols: 2 }, 5)).toBeGreaterThan(0.85);
    const b = await umap(m, { seed: 1, epochs: 200 });
    expect(Buffer.from(b.coordinates.buffer).equals(Buffer.from(a.coordinates.buffer))).toBe(true);
    const c = await umap(m, { seed: 2, epochs: 200 });
    expect(Buffer.from(c.coordinates.buffer).equals(Buffer.from(a.coordinates.buffer))).toBe(false);
  });

  it('rejects a neighbourhood not below n', async () => {
    const { m } = gaussianClusters(10, 3, 2, 1);
    await expect(umap(m, { neighbors: 10 })).rejects.toThrow(/neighbors/);
  });
});
