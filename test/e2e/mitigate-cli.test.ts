import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

interface Side {
  n: number;
  accuracy: number;
  fprDifference: number | null;
  tprDifference: number | null;
  selectionRateDifference: number | null;
  intervals: Record<'accuracy' | 'fprDifference' | 'tprDifference' | 'selectionRateDifference', { low: number; high: number; level: number; method: string }>;
}
interface MitigateJson {
  version: number;
  method: string;
  seed: number;
  protected: string;
  before: Side;
  after: Side;
  heldOut: { rows: number; rowIds: number[] };
  curve?: ({ lambda?: number; bound?: number } & Omit<Side, 'n' | 'intervals'>)[];
  constraint?: { bound: number; heldOutDifference: number; satisfied: boolean; multipliers: { constraint: string; value: number }[] };
  reweighing?: { cells: unknown[] };
  change: Record<'accuracy' | 'fprDifference', { value: number; interval: { low: number; high: number; method: string } }>;
}

function checkSide(side: Side): void {
  for (const key of ['accuracy', 'fprDifference', 'tprDifference', 'selectionRateDifference'] as const) {
    const value = side[key]!;
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
    const interval = side.intervals[key];
    expect(interval.low).toBeLessThanOrEqual(value + 1e-12);
    expect(interval.high).toBeGreaterThanOrEqual(value - 1e-12);
    expect(interval.method.length).toBeGreaterThan(0);
  }
}

/** `glassbox mitigate`: the method dispatch refuses what it does not know (no data needed). */
describe('glassbox mitigate', () => {
  it('refuses an unknown method and a missing --method with a specific error, before loading anything', async () => {
    const unknown = await runGlassbox(['mitigate', '--demo', 'credit', '--method', 'magic', '--protected', 'age_group']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--method "magic"/);
    expect(unknown.stderr).toMatch(/threshold/);
    const missing = await runGlassbox(['mitigate', '--demo', 'credit', '--protected', 'age_group']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing --method/);
  }, 60_000);

});

const HAS_REFERENCE = useReference('glassbox mitigate on german-credit (mlp.onnx)', ['german-credit/schema.json', 'german-credit/mlp.onnx', 'german-credit/xgb.json', 'german-credit/preprocess.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox mitigate on german-credit files (ONNX write-back)', () => {
  let dir: string;
  const files = () => ['--data', join(DATASETS_DIR, 'german_credit.csv'), '--schema', referencePath('german-credit/schema.json'), '--preprocess', referencePath('german-credit/preprocess.json')];
  const quick = () => [...files(), '--model', referencePath('german-credit/mlp.onnx'), '--protected', 'age', '--epochs', '2', '--format', 'json', '--quiet'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-mitigate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--method threshold reports before/after on the same held-out rows, each number beside its interval', async () => {
    const args = ['mitigate', '--method', 'threshold', ...quick()];
    const run = await runGlassbox(args);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as MitigateJson;
    expect(out.method).toBe('threshold');
    expect(out.protected).toBe('age');
    expect(out.before.n).toBe(out.after.n);
    checkSide(out.before);
    checkSide(out.after);
    // two age groups: Newcombe's interval for the difference
    expect(out.before.intervals.fprDifference.method).toMatch(/newcombe/);
    expect(out.before.intervals.accuracy.method).toBe('wilson');
    expect(out.heldOut.rows).toBe(out.before.n);
  }, 60_000);

  it('--save-model writes an ONNX file that onnxruntime runs, reproducing the "after" accuracy and FPR gap on the test split', async () => {
    const saved = join(dir, 'mindiff.onnx');
    const out = join(dir, 'mitigate.json');
    const run = await runGlassbox(['mitigate', ...files(), '--model', referencePath('german-credit/mlp.onnx'), '--method', 'mindiff', '--protected', 'age', '--epochs', '3', '--lambdas', 'none', '--save-model', saved, '--format', 'json', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(await readFile(out, 'utf8')) as MitigateJson;
    expect(result.before.intervals.fprDifference.method).toMatch(/newcombe/); // two age groups
    const audit = await runGlassbox(['fairness', ...files(), '--model', saved, '--protected', 'age', '--format', 'json']);
    expect(audit.code, audit.stderr).toBe(0);
    const fairness = JSON.parse(audit.stdout) as { overall: { n: number; accuracy: number }; groupTables: { name: string; rows: { fpr: number }[] }[] };
    expect(fairness.overall.n).toBe(result.after.n);
    expect(fairness.overall.accuracy).toBeCloseTo(result.after.accuracy, 12);
    const fpr = fairness.groupTables.find((t) => t.name === 'age')!.rows.map((r) => r.fpr);
    expect(Math.max(...fpr) - Math.min(...fpr)).toBeCloseTo(result.after.fprDifference!, 12);
  }, 120_000);


  it('--method mindiff: before/after and one curve point per λ on the held-out (test) rows of an ONNX model; same seed, same bytes', async () => {
    const args = ['mitigate', '--method', 'mindiff', '--lambda', '5', '--lambdas', '0,5', ...quick()];
    const run = await runGlassbox(args);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as MitigateJson;
    checkSide(out.before);
    checkSide(out.after);
    expect(out.heldOut.rows).toBe(out.before.n);
    expect(out.heldOut.rowIds).toHaveLength(out.before.n);
    expect(out.curve!.map((p) => p.lambda)).toEqual([0, 5]);
    // the paired change is after − before on the same rows, with its own interval
    expect(out.change.fprDifference.value).toBeCloseTo(out.after.fprDifference! - out.before.fprDifference!, 12);
    expect(out.change.accuracy.value).toBeCloseTo(out.after.accuracy - out.before.accuracy, 12);
    expect(out.change.fprDifference.interval.method).toMatch(/paired/);
    // the curve's λ = 5 point is the "after" model
    expect(out.curve![1]!.accuracy).toBe(out.after.accuracy);
    expect(out.curve![1]!.fprDifference).toBe(out.after.fprDifference);
    expect((await runGlassbox(args)).stdout).toBe(run.stdout);
  }, 120_000);

  it('--method rate-constraint reports the bound, whether it holds on held-out rows and the multipliers; --method reweigh its weights', async () => {
    const run = await runGlassbox(['mitigate', '--method', 'rate-constraint', '--bound', '0.1', ...quick()]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as MitigateJson;
    checkSide(out.after);
    expect(out.constraint!.bound).toBe(0.1);
    expect(out.constraint!.satisfied).toBe(out.after.fprDifference! <= 0.1);
    expect(out.constraint!.heldOutDifference).toBe(out.after.fprDifference);
    expect(out.constraint!.multipliers).toHaveLength(2); // 2 age groups: both ordered pairs
    const reweigh = JSON.parse((await runGlassbox(['mitigate', '--method', 'reweigh', ...quick()])).stdout) as MitigateJson;
    checkSide(reweigh.after);
    expect(reweigh.reweighing!.cells.length).toBe(4);
  }, 120_000);

  it('refuses bad flags before training: λ < 0, a bound ≥ 1, --save-model for threshold, an unknown protected attribute', async () => {
    const column = await runGlassbox(['mitigate', '--method', 'mindiff', ...quick(), '--protected', 'shoe_size']);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(/shoe_size/);
    const lambda = await runGlassbox(['mitigate', '--method', 'mindiff', '--lambda', '-1', ...quick()]);
    expect(lambda.code).toBe(2);
    expect(lambda.stderr).toMatch(/--lambda/);
    const bound = await runGlassbox(['mitigate', '--method', 'rate-constraint', '--bound', '1.5', ...quick()]);
    expect(bound.code).toBe(2);
    expect(bound.stderr).toMatch(/--bound/);
    const save = await runGlassbox(['mitigate', '--method', 'threshold', '--save-model', join(tmpdir(), 'never.onnx'), ...quick()]);
    expect(save.code).toBe(2);
    expect(save.stderr).toMatch(/--save-model/);
  }, 60_000);
  it('refuses a model glassbox cannot fine-tune (a tree ensemble) with missing_capability', async () => {
    const run = await runGlassbox(['mitigate', ...files(), '--model', referencePath('german-credit/xgb.json'), '--method', 'mindiff', '--protected', 'age', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot be (trained|fine-tuned)/);
  }, 60_000);
});
