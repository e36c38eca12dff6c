import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';
import { gaussianClusters } from '../support/gaussian-clusters.js';

interface ProjectJson { method: string; coordinates: number[][]; trustworthiness: number; rowIds: number[]; seed: number; color?: { by: string; values: string[] }; layer?: string; labels?: number[]; predictions?: number[] }

describe('glassbox project', () => {
  let dir = '';
  const { m, labels } = gaussianClusters(200, 12, 4, 9);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-project-'));
    writeNpy(join(dir, 'x.npy'), Float64Array.from(m.data), [200, 12]);
    writeNpy(join(dir, 'y.npy'), BigInt64Array.from(labels, (v) => BigInt(v)), [200]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--x with each method: n × 2 coordinates of the chosen rows, high trustworthiness, the same bytes for the same seed', async () => {
    for (const method of ['pca', 'tsne', 'umap']) {
      const args = ['project', '--x', join(dir, 'x.npy'), '--method', method, '--rows', '20:200', '--perplexity', '15', '--color', join(dir, 'y.npy'), '--seed', '4', '--quiet'];
      const run = await runGlassbox(args);
      expect(run.code, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as ProjectJson;
      expect(json.method).toBe(method);
      expect(json.coordinates).toHaveLength(180);
      expect(json.coordinates[0]).toHaveLength(2);
      expect(json.rowIds[0]).toBe(20);
      expect(json.color?.values[0]).toBe(String(labels[20]));
      expect(json.trustworthiness).toBeGreaterThan(0.85);
      if (method !== 'pca') expect((await runGlassbox(args)).stdout).toBe(run.stdout);
    }
  }, 120_000);

  it('html: a Vega-Lite scatter with the trustworthiness in its caption', async () => {
    const run = await runGlassbox(['project', '--x', join(dir, 'x.npy'), '--method', 'pca', '--format', 'html', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('<html');
    expect(run.stdout).toMatch(/trustworthiness 0\.\d{3} \(k = 5\)/);
  });

  it('refuses contradictory or impossible requests before any work', async () => {
    const both = await runGlassbox(['project', '--x', join(dir, 'x.npy'), '--demo', 'digits']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toMatch(/not several/);
    const pred = await runGlassbox(['project', '--x', join(dir, 'x.npy'), '--color', 'error']);
    expect(pred.stderr).toMatch(/--color error needs the model's predictions/);
    const tsne3 = await runGlassbox(['project', '--x', join(dir, 'x.npy'), '--method', 'tsne', '--components', '3']);
    expect(tsne3.stderr).toMatch(/2 dimensions/);
  });

  it('--demo digits: the penultimate layer of the demo model, coloured by error with its predictions', async () => {
    const run = await runGlassbox(['project', '--demo', 'digits', '--rows', '0:300', '--method', 'pca', '--color', 'error', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as ProjectJson;
    expect(json.layer).toBe('dense');
    expect(json.coordinates).toHaveLength(300);
    const errors = json.predictions!.map((p, i) => (p === json.labels![i] ? 'correct' : 'error'));
    expect(json.color?.values).toEqual(errors);
    expect(errors.filter((e) => e === 'error').length).toBeLessThan(60);
  }, 120_000);
});
