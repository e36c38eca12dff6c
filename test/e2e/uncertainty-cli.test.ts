import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { Rng } from '../../src/rng.js';
import { dropoutMlpBytes } from '../fixtures/models/dropout-mlp.js';
import { runGlassbox } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-uncertainty-'));
const file = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const rng = new Rng(3);
const n = 40;
const xPath = join(dir, 'x.npy');
writeNpy(xPath, Float32Array.from({ length: n * 6 }, () => rng.normal()), [n, 6]);
const yPath = join(dir, 'y.npy');
writeNpy(yPath, BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 3)), [n]);
const fitPath = join(dir, 'fit.npy');
writeNpy(fitPath, Float32Array.from({ length: 100 * 6 }, () => rng.normal()), [100, 6]);

interface UncertaintyJson {
  method: string;
  samples: number;
  rowIds: number[];
  mean: number[][];
  entropy: number[];
  expectedEntropy: number[];
  mutualInformation: number[];
  summary: { errors?: { accuracy: number } };
  laplace?: { priorPrecisionMethod: string; nFit: number };
}

async function run(args: string[]): Promise<UncertaintyJson> {
  const result = await runGlassbox(['uncertainty', ...args, '--quiet']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as UncertaintyJson;
}

describe('glassbox uncertainty', () => {
  const dropout = file('dropout.onnx', dropoutMlpBytes({ rate: 0.5 }));
  const other = file('other.onnx', dropoutMlpBytes({ rate: 0, seed: 7 }));

  it('runs MC dropout on an ONNX graph with Dropout: per-row summaries with rowIds, byte-identical under a seed', async () => {
    const a = await run(['--model', dropout, '--data', xPath, '--labels', yPath, '--passes', '8', '--seed', '2', '--rows', '5:15']);
    expect(a.method).toBe('mc-dropout');
    expect(a.samples).toBe(8);
    expect(a.rowIds).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(a.mean).toHaveLength(10);
    a.mean.forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5));
    a.entropy.forEach((h, i) => expect(h - a.expectedEntropy[i]!).toBeCloseTo(a.mutualInformation[i]!, 9));
    expect(a.mutualInformation.some((v) => v > 0)).toBe(true);
    expect(a.summary.errors?.accuracy).toBeGreaterThanOrEqual(0);
    const b = await runGlassbox(['uncertainty', '--model', dropout, '--data', xPath, '--labels', yPath, '--passes', '8', '--seed', '2', '--rows', '5:15', '--quiet']);
    expect(b.stdout).toBe(`${JSON.stringify(a)}\n`);
  });

  it('averages an ensemble of several model files, and fits last-layer Laplace on --fit-data', async () => {
    const e = await run(['--model', `${dropout},${other}`, '--data', xPath]);
    expect(e.method).toBe('ensemble');
    expect(e.samples).toBe(2);
    const l = await run(['--model', other, '--data', xPath, '--method', 'laplace', '--fit-data', fitPath, '--passes', '5', '--hessian', 'kfac']);
    expect(l.laplace).toMatchObject({ hessian: 'kfac-ggn', priorPrecisionMethod: 'marginal-likelihood', nFit: 100 });
    expect(l.mutualInformation.every((v) => v >= 0)).toBe(true);
  });

  it('says why a method does not apply before any work', async () => {
    const one = await runGlassbox(['uncertainty', '--model', dropout, '--data', xPath, '--method', 'ensemble']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/at least two models/);
    const laplace = await runGlassbox(['uncertainty', '--model', dropout, '--data', xPath, '--method', 'laplace']);
    expect(laplace.code).toBe(2);
    expect(laplace.stderr).toMatch(/--fit-data/);
  });
});
