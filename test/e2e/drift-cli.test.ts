import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

interface FeatureJson { feature: string; test: string; statistic: number; pValue: number; qValue: number; psi: number; wasserstein: number | null; jensenShannon: number; drift: boolean }

/** Two CSVs from one generator; the current one has x1 shifted by 0.8 σ and a new category mix in c. */
function plantedFiles(): { dir: string; reference: string; current: string } {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-drift-'));
  const rng = new Rng(3);
  const rows = (n: number, shift: number, mix: number): string => {
    const lines = ['x0,x1,x2,c'];
    for (let i = 0; i < n; i++) lines.push([rng.normal(), rng.normal() + shift, rng.normal(), rng.next() < mix ? 'a' : 'b'].map((v) => (typeof v === 'number' ? v.toFixed(5) : v)).join(','));
    return `${lines.join('\n')}\n`;
  };
  writeFileSync(join(dir, 'reference.csv'), rows(400, 0, 0.5));
  writeFileSync(join(dir, 'current.csv'), rows(300, 0.8, 0.5));
  writeFileSync(join(dir, 'renamed.csv'), rows(50, 0, 0.5).replace('x2', 'x_2'));
  return { dir, reference: join(dir, 'reference.csv'), current: join(dir, 'current.csv') };
}

describe('glassbox drift from files', () => {
  const files = plantedFiles();

  it('finds the planted shift and only it, with the JSON fields of every feature', async () => {
    const run = await runGlassbox(['drift', '--reference', files.reference, '--data', files.current, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { features: FeatureJson[]; drifted: string[]; prediction?: unknown };
    expect(out.drifted).toEqual(['x1']);
    expect(out.features.map((f) => f.feature)).toEqual(['x0', 'x1', 'x2', 'c']);
    const x1 = out.features.find((f) => f.feature === 'x1')!;
    expect(x1.test).toBe('ks');
    expect(x1.wasserstein!).toBeGreaterThan(0.5);
    expect(x1.qValue).toBeLessThan(0.05);
    expect(out.features.find((f) => f.feature === 'c')).toMatchObject({ test: 'chi-square', wasserstein: null });
    expect(out.prediction).toBeUndefined(); // no model: data drift only
  });

  it('--fdr changes the level the q-values are compared with', async () => {
    const run = await runGlassbox(['drift', '--reference', files.reference, '--data', files.current, '--fdr', '1e-30', '--format', 'json']);
    const out = JSON.parse(run.stdout) as { features: FeatureJson[]; fdr: number };
    expect(out.fdr).toBe(1e-30);
    expect(out.features.every((f) => f.drift === f.qValue < 1e-30)).toBe(true);
  });

  it('names the column and the file when the two files hold different columns', async () => {
    const run = await runGlassbox(['drift', '--reference', files.reference, '--data', join(files.dir, 'renamed.csv'), '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"x2"');
    expect(run.stderr).toContain('renamed.csv');
  });
});

const HAS_REFERENCE = useReference('glassbox drift on german-credit (xgb.json)', ['german-credit/schema.json', 'german-credit/xgb.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox drift with a model (german-credit, train split vs test split)', () => {
  it('adds prediction drift, performance drift and the worst domain by housing', async () => {
    const run = await runGlassbox(['drift', '--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json'), '--domain', 'housing', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      reference: { rows: number }; current: { rows: number };
      prediction: { scores: FeatureJson[]; predictedClass: FeatureJson };
      performance: { reference: { n: number; accuracy: number }; current: { n: number; accuracy: number }; difference: number; interval: { low: number; high: number; method: string } };
      domains: { pooled: { n: number; accuracy: number }; domains: { domain: string; n: number; correct: number }[]; worst: { domain: string; accuracy: number }; gapToPooled: { value: number } };
    };
    expect([out.reference.rows, out.current.rows]).toEqual([743, 257]);
    expect(out.prediction.scores.map((s) => s.feature)).toEqual(['score: bad']);
    expect(out.performance.current.n).toBe(257);
    expect(out.performance.difference).toBeCloseTo(out.performance.current.accuracy - out.performance.reference.accuracy, 12);
    expect(out.performance.interval.method).toBe('newcombe-hybrid-score');
    // domains partition the labelled rows; the worst ranked domain has the lowest accuracy among ranked ones
    expect(out.domains.domains.reduce((s, d) => s + d.n, 0)).toBe(out.domains.pooled.n);
    expect(out.domains.domains.reduce((s, d) => s + d.correct, 0) / out.domains.pooled.n).toBeCloseTo(out.domains.pooled.accuracy, 12);
    expect(out.domains.gapToPooled.value).toBeCloseTo(out.domains.pooled.accuracy - out.domains.worst.accuracy, 12);
  });
});
