import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/data/load-table.js';
import { takeRows } from '../../src/data/table.js';
import { rawMatrixFromTable } from '../../src/encode/raw-matrix.js';
import { gamFeatures, gamFromJson } from '../../src/model/interpretable/gam/gam-json.js';
import { gamScores } from '../../src/model/interpretable/gam/predict-gam.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const run = useReference('glassbox challenger on german-credit', ['german-credit/schema.json', 'german-credit/xgb.json', '../datasets/german_credit.csv']);

describe.skipIf(!run)('glassbox challenger on german-credit', () => {
  let dir: string;
  const data = join(DATASETS_DIR, 'german_credit.csv');
  const withModel = ['challenger', '--data', data, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json'), '--bags', '2', '--interactions', '2', '--iterations', '100', '--format', 'json'];
  interface Interval { low: number; high: number; method: string }
  interface Difference { difference: number; interval: Interval }
  interface Output {
    rows: number;
    trainRows: number;
    blackBox: { auc: number };
    challengers: { kind: string; auc: number; differences: { auc: Difference; accuracy: Difference }; tree?: { depth: number }; linear?: { coefficients: unknown[]; nonzero: number } }[];
    disagreement: { rowIds: number[]; rows: number; rate: number };
  }
  let json: Output;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-challenger-'));
    const result = await runGlassbox(withModel);
    expect(result.code, result.stderr).toBe(0);
    json = JSON.parse(result.stdout) as Output;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('compares each challenger with the model on the test split (the reference xgboost AUC 0.7901)', () => {
    expect(json.rows).toBe(257);
    expect(json.trainRows).toBe(743);
    expect(json.blackBox.auc).toBeCloseTo(0.7901, 4);
    expect(json.challengers.map((c: { kind: string }) => c.kind)).toEqual(['gam', 'linear', 'tree']);
    for (const c of json.challengers) {
      expect(c.auc).toBeGreaterThan(0.65);
      expect(c.differences.auc.difference).toBeCloseTo(c.auc - json.blackBox.auc, 10);
      expect(c.differences.auc.interval.low).toBeLessThanOrEqual(c.differences.auc.difference);
      expect(c.differences.auc.interval.high).toBeGreaterThanOrEqual(c.differences.auc.difference);
      expect(c.differences.accuracy.interval.method).toBe('paired-percentile-bootstrap');
    }
    expect(json.challengers[2]!.tree!.depth).toBeLessThanOrEqual(4);
    expect(json.challengers[1]!.linear!.coefficients.length).toBe(json.challengers[1]!.linear!.nonzero);
  });

  it('lists the disagreeing rows by data row id, all of them test rows', async () => {
    const lines = (await readFile(data, 'utf8')).trim().split('\n').slice(1);
    const testIds = new Set(lines.flatMap((line, i) => (line.endsWith('True') ? [i] : [])));
    expect(json.disagreement.rowIds.length).toBe(json.disagreement.rows);
    for (const id of json.disagreement.rowIds) expect(testIds.has(id)).toBe(true);
    expect(json.disagreement.rate).toBeCloseTo(json.disagreement.rows / 257, 12);
  });

  it('is byte-identical under the same seed', async () => {
    const again = await runGlassbox(withModel);
    const strip = (text: string): string => text.replace(/"fitSeconds": [\d.e-]+/g, '');
    expect(strip(again.stdout)).toBe(strip(JSON.stringify(json, null, 2) + '\n'));
  }, 120_000);

  it('without --model compares the challengers alone and saves the GAM', async () => {
    const file = join(dir, 'gam.json');
    const result = await runGlassbox(['challenger', '--data', data, '--target', 'target', '--kinds', 'gam,tree', '--bags', '2', '--interactions', '0', '--save-gam', file, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.blackBox).toBeUndefined();
    expect(out.challengers.map((c: { kind: string }) => c.kind)).toEqual(['gam', 'tree']);
    const { gam } = gamFromJson(JSON.parse(await readFile(file, 'utf8')));
    expect(gam.featureNames.length).toBe(20);
    // the saved GAM is a model file: glassbox predict --model gam.json scores rows with it
    const predicted = await runGlassbox(['predict', '--model', file, '--data', data, '--target', 'target', '--rows', '0:5', '--format', 'json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const outputs = (JSON.parse(predicted.stdout) as { outputs: number[][] }).outputs;
    const table = await loadTable(data);
    const raw = rawMatrixFromTable(takeRows(table, [0, 1, 2, 3, 4]), gamFeatures(gam));
    const scores = gamScores(gam, raw);
    outputs.forEach((row, i) => expect(row[1]).toBeCloseTo(1 / (1 + Math.exp(-scores[i]!)), 6));
  }, 120_000);

  it('refuses a deeper tree with a specific error', async () => {
    const result = await runGlassbox(['challenger', '--data', data, '--target', 'target', '--tree-depth', '6']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tree-depth 6/);
  });
});
