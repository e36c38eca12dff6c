import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { gaussianBlobs, type NoisyData } from '../support/label-noise.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

interface LabelIssuesJson {
  seed: number;
  n: number;
  classes: string[];
  rowIds: number[];
  givenLabels: string[];
  suggestedLabels: string[];
  scores: number[];
  noiseMatrix: number[][];
  noiseRates: { given: string; truth: string; count: number }[];
  concentration: { description: string; qValue: number }[];
  probabilities: { kind: string; folds?: number };
  groundTruth?: { planted: number; truePositives: number; precision: number | null; recall: number | null };
}

const NAMES = ['cat', 'dog', 'fox'];

/** A CSV of 3 blobs in 2-D (labels as names) plus a categorical column; the first row holds no data problems. */
function csv(data: NoisyData): string {
  const lines = ['x1,x2,colour,animal'];
  for (let i = 0; i < data.n; i++) lines.push(`${data.x[i * 2]!.toFixed(5)},${data.x[i * 2 + 1]!.toFixed(5)},${i % 3 === 0 ? 'red' : 'blue'},${NAMES[data.noisy[i]!]}`);
  return `${lines.join('\n')}\n`;
}

describe('glassbox label-issues on a file with known flipped labels', () => {
  let dir: string;
  let file: string;
  const data = gaussianBlobs({ n: 600, d: 2, k: 3, minDistance: 4, seed: 11 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-label-issues-'));
    file = join(dir, 'animals.csv');
    await writeFile(file, csv(data));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the flipped rows by 0-based data row, with the clean label suggested, most suspicious first', async () => {
    const run = await runGlassbox(['label-issues', '--data', file, '--target', 'animal', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as LabelIssuesJson;
    expect(json.n).toBe(600);
    expect(json.probabilities).toMatchObject({ kind: 'cross-fit', folds: 5 });
    const flipped = json.rowIds.filter((r) => data.flipped[r] === 1);
    expect(flipped.length / json.rowIds.length).toBeGreaterThanOrEqual(0.8); // precision
    expect(flipped.length / 30).toBeGreaterThanOrEqual(0.8); // recall: 5 % of 600 rows were flipped
    json.rowIds.forEach((r, t) => {
      expect(json.givenLabels[t]).toBe(NAMES[data.noisy[r]!]);
      if (data.flipped[r]) expect(json.suggestedLabels[t]).toBe(NAMES[data.clean[r]!]);
    });
    for (let t = 1; t < json.scores.length; t++) expect(json.scores[t]).toBeGreaterThanOrEqual(json.scores[t - 1]!);
    expect(json.noiseMatrix).toHaveLength(3);
    for (let j = 0; j < 3; j++) expect(json.noiseMatrix.reduce((s, row) => s + row[j]!, 0)).toBeCloseTo(1, 9);
    // the colour column is unrelated to the flips: nothing concentrates there
    expect(json.concentration.filter((c) => c.description.startsWith('colour') && c.qValue < 0.05)).toEqual([]);
  }, 60_000);

  it('prints the same bytes for the same seed, a table and a self-contained HTML page', async () => {
    const args = ['label-issues', '--data', file, '--target', 'animal', '--seed', '3', '--format', 'json'];
    const a = await runGlassbox(args);
    const b = await runGlassbox(args);
    expect(a.stdout).toBe(b.stdout);
    const table = await runGlassbox(['label-issues', '--data', file, '--label', 'animal', '--top', '3']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Suspected label issues, most suspicious first \(3 of \d+/);
    expect(table.stdout).toMatch(/Estimated label noise per class pair/);
    const html = await runGlassbox(['label-issues', '--data', file, '--target', 'animal', '--format', 'html', '--quiet']);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toContain('<svg');
  }, 60_000);

  it('refuses bad flags and data with a specific error before any fitting', async () => {
    const noData = await runGlassbox(['label-issues', '--target', 'animal']);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/Missing --data/);
    const crossFit = await runGlassbox(['label-issues', '--data', file, '--target', 'animal', '--cross-fit']);
    expect(crossFit.code).toBe(2);
    expect(crossFit.stderr).toMatch(/--cross-fit chooses the baseline over a model/);
    const filter = await runGlassbox(['label-issues', '--data', file, '--target', 'animal', '--filter-by', 'prune']);
    expect(filter.code).toBe(2);
    expect(filter.stderr).toMatch(/--filter-by/);
    const regression = await runGlassbox(['label-issues', '--data', file, '--target', 'x1']);
    expect(regression.code).toBe(2);
    expect(regression.stderr).toMatch(/regression target; label issues need class labels/);
  }, 60_000);
});

describe('glassbox label-issues --demo credit', () => {
  it('reports how many of the planted flips among the audited test rows it found', async () => {
    const run = await runGlassbox(['label-issues', '--demo', 'credit', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as LabelIssuesJson;
    expect(json.probabilities.kind).toBe('model');
    expect(json.groundTruth!.planted).toBeGreaterThan(0);
    expect(json.groundTruth!.truePositives).toBeGreaterThan(0);
    expect(json.rowIds.length).toBeGreaterThan(0);
  }, 120_000);
});

const HAS_REFERENCE = useReference('label-issues with a model file on german-credit', ['german-credit/schema.json', 'german-credit/xgb.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox label-issues --model on the test split', () => {
  it("uses the model's probabilities on the rows of the schema's test split only", async () => {
    const run = await runGlassbox(['label-issues', '--data', join(DATASETS_DIR, 'german_credit.csv'), '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json'), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as LabelIssuesJson;
    expect(json.probabilities.kind).toBe('model');
    expect(json.n).toBe(257);
    expect(json.classes).toEqual(['good', 'bad']); // the schema's class order
  }, 120_000);
});
