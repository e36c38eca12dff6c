import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, type ScanResults } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';
import { duplicateSlices, intervalViolations } from '../support/finding-properties.js';
import { DATASETS_DIR, HAS_REFERENCE, referencePath } from '../support/reference.js';

const data = join(DATASETS_DIR, 'adult.csv');
const present = HAS_REFERENCE && existsSync(data);

/** `glassbox scan` of adult.csv with the reference XGBoost model and its schema, read as a user would. */
describe.skipIf(!present)('glassbox scan of adult with adult-xgb', () => {
  let out: string;
  let results: ScanResults;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'glassbox-adult-'));
    const run = await runGlassbox(['scan', '--data', data, '--model', referencePath('adult-xgb', 'xgb.json'), '--schema', referencePath('adult-xgb', 'schema.json'), '--out', out, '--quiet']);
    if (run.code === 2) throw new Error(run.stderr);
    results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
  }, 600_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('puts every interval around its value', () => {
    expect(intervalViolations(results)).toEqual([]);
  });

  it('nests sex × age under age: young people are rarely predicted >50K whatever their sex', () => {
    const ids = results.findings.map((f) => f.id);
    expect(ids).toContain('disparity/age');
    expect(ids).not.toContain('disparity/sex_x_age');
    const age = results.findings.find((f) => f.id === 'disparity/age')!;
    expect(age.related?.find((r) => r.id === 'disparity/sex_x_age')?.relation).toBe('intersection');
  });

  it('says the lower accuracy for age >= 25 comes from base rates, at a lower severity', () => {
    const older = results.findings.find((f) => f.id === 'protected-performance/age=>=25')!;
    expect(older.title).toMatch(/base rates/);
    expect(['info', 'low']).toContain(older.severity);
    expect(older.evidence['drivenByBaseRates']).toBe(true);
    expect(older.summary).toMatch(/balanced accuracy/);
  });

  it('reports slices only when miscalibrated themselves, and no slice twice', () => {
    for (const f of results.findings.filter((x) => x.detector === 'miscalibration/under')) expect(f.interval!.high).toBeLessThanOrEqual(-0.05);
    for (const f of results.findings.filter((x) => x.detector === 'miscalibration/over')) expect(f.interval!.low).toBeGreaterThanOrEqual(0.05);
    expect(duplicateSlices(results)).toEqual([]);
  });
});
