import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { gaussianClusters } from '../../../test/support/gaussian-clusters.js';
import { exactNeighbors } from './neighbors.js';
import { conditionalProbabilities, jointProbabilities } from './perplexity.js';
import { QuadTree } from './quadtree.js';
import { trustworthiness } from './trustworthiness.js';
import { tsne } from './tsne.js';

/** Fraction of points whose k nearest embedded neighbours mostly share their label (majority vote). */
function knnAgreement(y: Float64Array, labels: Int32Array, k: number): number {
  const n = labels.length;
  const graph = exactNeighbors({ data: y, rows: n, cols: 2 }, k);
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let same = 0;
    for (let a = 0; a < k; a++) if (labels[graph.indices[i * k + a]!] === labels[i]) same++;
    if (same > k / 2) agree++;
  }
  return agree / n;
}

describe('exact neighbours', () => {
  it('match a full sort of the distances', () => {
    const { m } = gaussianClusters(60, 4, 3, 2);
    const k = 7;
    const g = exactNeighbors(m, k);
    for (let i = 0; i < 60; i++) {
      const dist = Array.from({ length: 60 }, (_, j) => {
        let s = 0;
        for (let t = 0; t < 4; t++) s += (m.data[i * 4 + t]! - m.data[j * 4 + t]!) ** 2;
        return { j, s };
      }).filter((e) => e.j !== i).sort((a, b) => a.s - b.s || a.j - b.j);
      expect(Array.from(g.indices.subarray(i * k, i * k + k))).toEqual(dist.slice(0, k).map((e) => e.j));
      for (let a = 0; a < k; a++) expect(g.squaredDistances[i * k + a]).toBeCloseTo(dist[a]!.s, 10);
    }
  });
});

describe('perplexity calibration', () => {
  it('each row has entropy log(perplexity) and sums to 1; joint P is symmetric and sums to 1', () => {
    const { m } = gaussianClusters(300, 10, 4, 3);
    const perplexity = 20;
    const g = exactNeighbors(m, 61);
    const { p, entropy, beta } = conditionalProbabilities(g, 300, perplexity);
    for (let i = 0; i < 300; i++) {
      let sum = 0;
      let h = 0;
      for (let a = 0; a < 61; a++) {
        const v = p[i * 61 + a]!;
        sum += v;
        if (v > 0) h -= v * Math.log(v);
      }
      expect(sum).toBeCloseTo(1, 12);
      expect(Math.abs(h - Math.log(perplexity))).toBeLessThan(1e-4);
      expect(Math.abs(entropy[i]! - Math.log(perplexity))).toBeLessThanOrEqual(1e-5);
      expect(beta[i]).toBeGreaterThan(0);
    }
    const cond = (i: number, j: number): number => {
      const a = g.indices.subarray(i * 61, i * 61 + 61).indexOf(j);
      return a < 0 ? 0 : p[i * 61 + a]!;
    };
    const P = jointProbabilities(g, 300, p);
    const dense = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 300; i++) for (let t = P.rowStart[i]!; t < P.rowStart[i + 1]!; t++) {
      dense.set(`${i},${P.columns[t]}`, P.values[t]!);
      total += P.values[t]!;
      if (t > P.rowStart[i]!) expect(P.columns[t]!).toBeGreaterThan(P.columns[t - 1]!);
    }
    expect(total).toBeCloseTo(1, 12);
    for (const [key, v] of dense) {
      const [i, j] = key.split(',');
      expect(dense.get(`${j},${i}`)).toBeCloseTo(v, 15);
      expect(v).toBeCloseTo((cond(Number(i), Number(j)) + cond(Number(j), Number(i))) / 600, 15);
    }
  });
});

describe('Barnes–Hut quadtree', () => {
  it('with θ = 0 gives the exact repulsion and normalisation; with θ = 0.5 stays close', () => {
    const rng = new Rng(5);
    const n = 200;
    const y = Float64Array.from({ length: 2 * n }, () => 3 * rng.normal());
    y[2] = y[0]!; // a coincident pair
    y[3] = y[1]!;
    const tree = new QuadTree();
    tree.build(y, n);
    const force = new Float64Array(2);
    let maxRel = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      let fx = 0;
      let fy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dx = y[2 * i]! - y[2 * j]!;
        const dy = y[2 * i + 1]! - y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        z += q;
        fx += q * q * dx;
        fy += q * q * dy;
      }
      expect(tree.repulsion(y[2 * i]!, y[2 * i + 1]!, 0, force)).toBeCloseTo(z, 10);
      expect(force[0]).toBeCloseTo(fx, 10);
      expect(force[1]).toBeCloseTo(fy, 10);
      const approx = tree.repulsion(y[2 * i]!, y[2 * i + 1]!, 0.25, force);
      maxRel = Math.max(maxRel, Math.abs(approx - z) / z);
    }
    expect(maxRel).toBeLessThan(0.02);
  });
});

describe('t-SNE (Barnes–Hut)', () => {
  it('keeps well-separated Gaussian clusters apart, with high trustworthiness, deterministically', async () => {
    const { m, labels } = gaussianClusters(400, 20, 5, 7);
    const stages: string[] = [];
    const a = await tsne(m, { seed: 3, onProgress: (_d, _t, s) => { if (!stages.includes(s)) stages.push(s); } });
    expect(a.coordinates.length).toBe(800);
    expect(knnAgreement(a.coordinates, labels, 10)).toBeGreaterThan(0.99);
    expect(trustworthiness(m, { data: a.coordinates, rows: 400, cols: 2 }, 5)).toBeGreaterThan(0.9);
    expect(a.klDivergence).toBeGreaterThan(0);
    expect(stages).toEqual(['nearest neighbours', 'optimising']);
    const b = await tsne(m, { seed: 3 });
    expect(Buffer.from(b.coordinates.buffer).equals(Buffer.from(a.coordinates.buffer))).toBe(true);
  });

  it('rejects a perplexity not below n and stops when aborted', async () => {
    const { m } = gaussianClusters(20, 3, 2, 1);
    await expect(tsne(m, { perplexity: 20 })).rejects.toThrow(/perplexity/);
    const controller = new AbortController();
    controller.abort();
    await expect(tsne(m, { perplexity: 5, signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
