import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';

interface CfJson {
  classes: string[];
  rowIds: number[];
  results: { query: { predictedClass: number }; desiredClass: number; immutable: string[]; counterfactuals: { features: Record<string, number | string>; outputs: number[]; predictedClass: number; changed: string[] }[] }[];
}

describe('glassbox counterfactual --demo credit', () => {
  it('flips each prediction with the immutable features held, and glassbox predict agrees on the counterfactual rows', async () => {
    const run = await runGlassbox(['counterfactual', '--demo', 'credit', '--rows', '5:7', '--immutable', 'age,gender', '--count', '2', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as CfJson;
    expect(out.rowIds).toEqual([5, 6]);
    const rows = out.results.flatMap((r) => r.counterfactuals);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of out.results) {
      expect(r.immutable).toEqual(['age', 'gender']);
      for (const c of r.counterfactuals) {
        expect(c.predictedClass).not.toBe(r.query.predictedClass);
        expect(c.changed).not.toContain('age');
        expect(c.changed).not.toContain('gender');
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-cf-'));
    try {
      const names = Object.keys(rows[0]!.features);
      await writeFile(join(dir, 'cf.csv'), `${names.join(',')}\n${rows.map((c) => names.map((n) => String(c.features[n])).join(',')).join('\n')}\n`);
      const predicted = await runGlassbox(['predict', '--demo', 'credit', '--data', join(dir, 'cf.csv')]);
      expect(predicted.code, predicted.stderr).toBe(0);
      expect((JSON.parse(predicted.stdout) as { outputs: number[][] }).outputs).toEqual(rows.map((c) => c.outputs));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses --immutable with --method nearest before loading anything', async () => {
    const run = await runGlassbox(['counterfactual', '--demo', 'credit', '--method', 'nearest', '--immutable', 'age']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--immutable\/--mutable apply to --method dice/);
  });
});
