import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { Rng } from '../../src/rng.js';
import { dropoutMlpBytes } from '../fixtures/models/dropout-mlp.js';
import { runGlassbox } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-ood-'));
const rng = new Rng(5);
const npy = (name: string, n: number, shift: number): string => {
  const path = join(dir, name);
  writeNpy(path, Float32Array.from({ length: n * 6 }, () => rng.normal() + shift), [n, 6]);
  return path;
};
const model = join(dir, 'mlp.onnx');
writeFileSync(model, dropoutMlpBytes({ rate: 0, seed: 3 }));
const inPath = npy('in.npy', 60, 0);
const outPath = npy('out.npy', 50, 6);
const fitPath = npy('fit.npy', 200, 0);

interface OodJson {
  results: { method: string; oodSet: string; auroc: number; fprAt95Tpr: number; nIn: number; nOut: number }[];
  skipped: { method: string; reason: string }[];
}

describe('glassbox ood', () => {
  it('evaluates every score on files, fitting feature scores on --fit-data, and finds a far shift', async () => {
    const r = await runGlassbox(['ood', '--model', model, '--data', inPath, '--ood-data', outPath, '--fit-data', fitPath, '--k', '5', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as OodJson;
    expect(json.results.map((x) => x.method)).toEqual(['msp', 'max-logit', 'energy', 'mahalanobis', 'knn']);
    for (const row of json.results) {
      expect([row.nIn, row.nOut]).toEqual([60, 50]);
      expect(row.auroc).toBeGreaterThanOrEqual(0);
      expect(row.auroc).toBeLessThanOrEqual(1);
    }
    // a shift of 6 standard deviations in every input: the features move far from the fitting rows
    expect(json.results.find((x) => x.method === 'mahalanobis')!.auroc).toBeGreaterThan(0.95);
    expect(json.skipped).toEqual([]);
  });

  it('needs fitting rows for a feature score, and says so', async () => {
    const r = await runGlassbox(['ood', '--model', model, '--data', inPath, '--ood-data', outPath, '--method', 'knn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fit-data/);
  });
});

describe('glassbox ood --demo digits', () => {
  it('compares the test digits with synthetic OOD sets and with corrupted digits, one per corruption family', async () => {
    const r = await runGlassbox(['ood', '--demo', 'digits', '--rows', '0:200', '--method', 'msp,energy', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as OodJson & { oodSets: string[] };
    expect(json.oodSets).toEqual(['uniform-noise', 'inverted', 'rotated', 'pixel-shuffled', 'corrupted: gaussian noise (severity 5)', 'corrupted: motion blur (severity 5)', 'corrupted: fog (severity 5)']);
    expect(json.results).toHaveLength(14);
    for (const row of json.results) {
      expect(row.nIn).toBe(200);
      expect(row.auroc).toBeGreaterThan(0.5);
    }
    expect(json.results.find((x) => x.method === 'energy' && x.oodSet === 'uniform-noise')!.auroc).toBeGreaterThan(0.95);
  }, 120_000);
});
