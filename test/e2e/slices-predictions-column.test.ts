import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { evaluateSlices, plantedCsv, plantedData } from '../support/planted-slices.js';
import { matchPredicates } from '../../src/data/predicate.js';
import type { Predicate } from '../../src/data/predicate.js';

/**
 * The reproduction of issue 10 §4: a CSV with planted weak slices (2- and 3-way conjunctions, a numeric
 * range) and the model's scores in a column, audited with `--predictions score`. The score column was
 * searched as a feature, so slices such as "score >= 0.43" crowded out the planted ones.
 */
describe('glassbox slices --predictions COLUMN', () => {
  let dir: string;
  const data = plantedData({ seed: 7, rows: 20000, baseError: 0.1, lift: [0.25, 0.4], plants: ['and2', 'and3', 'range', 'and2num'], missing: false });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-planted-'));
    await writeFile(join(dir, 'planted.csv'), plantedCsv(data));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never slices on the predictions or label column and recovers the plants', async () => {
    const run = await runGlassbox(['slices', '--data', join(dir, 'planted.csv'), '--predictions', 'score', '--label', 'label', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { excluded: { column: string; reason: string }[]; slices: { predicates: Predicate[]; description: string }[] };
    expect(out.excluded.map((e) => e.column)).toEqual(['score']);
    for (const s of out.slices) for (const p of s.predicates) expect(['score', 'label']).not.toContain(p.feature);
    const masks = out.slices.map((s) => matchPredicates(data.table, s.predicates));
    const evaluation = evaluateSlices(data.plants, masks);
    expect(evaluation.recall, out.slices.map((s) => s.description).join('; ')).toBe(1);
    expect(evaluation.fdp).toBe(0);
  });

  it('refuses the predictions or label column named in --features or --protected (exit 2)', async () => {
    const csv = join(dir, 'planted.csv');
    const features = await runGlassbox(['slices', '--data', csv, '--predictions', 'score', '--label', 'label', '--features', 'c0,score']);
    expect(features.code).toBe(2);
    expect(features.stderr).toMatch(/--features names "score", which is the predictions column/);
    const fairness = await runGlassbox(['fairness', '--data', csv, '--predictions', 'score', '--label', 'label', '--protected', 'label']);
    expect(fairness.code).toBe(2);
    expect(fairness.stderr).toMatch(/--protected names "label", which is the label column/);
  });
});
