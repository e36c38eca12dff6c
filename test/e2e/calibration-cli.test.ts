import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { applyCalibrator } from '../../src/uncertainty/calibration/calibrator.js';
import { calibratorFromJson } from '../../src/uncertainty/calibration/calibrator-json.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const present = useReference('glassbox calibration', ['calibration/mnist_test_probs.json', 'calibration/calibration.json', 'german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

interface Printed {
  accuracy: number; ece: number; mce: number; brier: number; nll: number;
  bins: { lower: number; upper: number; count: number; accuracy: number | null; meanConfidence: number | null }[];
  intervals: Record<string, { low: number; high: number; method: string }>;
  temperature?: { value: number; ece: number; nll: number; evaluatedOn: string; split: { calibrationRows: number; evaluationRows: number } | null; before: { ece: number; nll: number } };
  calibrator?: { file: string; kind: string };
  rowIds: number[];
}

describe.skipIf(!present)('glassbox calibration', () => {
  let dir = '';
  const ref = present ? (JSON.parse(readFileSync(referencePath('calibration/calibration.json'), 'utf8')) as { before_scaling: { accuracy: number; ece: number; mce: number; brier_multiclass: number; nll: number; bins: { count: number; accuracy: number | null }[] }; temperature: { T_optimal: number }; after_scaling_T_optimal: { ece: number; nll: number } }) : undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-calibration-'));
    const p = JSON.parse(await readFile(referencePath('calibration/mnist_test_probs.json'), 'utf8')) as { logits: number[][]; probs: number[][]; labels: number[] };
    writeNpy(join(dir, 'logits.npy'), Float32Array.from(p.logits.flat()), [1500, 10]);
    writeNpy(join(dir, 'y.npy'), BigInt64Array.from(p.labels.map(BigInt)), [1500]);
    await writeFile(join(dir, 'probs.csv'), `${p.probs.map((r) => r.join(',')).join('\n')}\n`);
    await writeFile(join(dir, 'y.txt'), `label\n${p.labels.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reproduces the reference from float32 logits (.npy), and T in-sample with --calibration-fraction 1', async () => {
    const run = await runGlassbox(['calibration', '--predictions', join(dir, 'logits.npy'), '--logits', '--labels', join(dir, 'y.npy'), '--fit-temperature', '--calibration-fraction', '1', '--iterations', '200', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Printed;
    const b = ref!.before_scaling;
    expect(out.accuracy).toBe(b.accuracy);
    for (const [ours, theirs] of [[out.ece, b.ece], [out.mce, b.mce], [out.brier, b.brier_multiclass], [out.nll, b.nll]] as const) expect(Math.abs(ours - theirs)).toBeLessThan(1e-9);
    expect(out.bins.map((x) => x.count)).toEqual(b.bins.map((x) => x.count));
    expect(Math.abs(out.temperature!.value - ref!.temperature.T_optimal)).toBeLessThan(1e-6);
    expect(Math.abs(out.temperature!.ece - ref!.after_scaling_T_optimal.ece)).toBeLessThan(1e-6);
    expect(Math.abs(out.temperature!.nll - ref!.after_scaling_T_optimal.nll)).toBeLessThan(1e-9);
    expect(out.temperature!.evaluatedOn).toMatch(/in-sample/);
    for (const [name, iv] of Object.entries(out.intervals)) {
      expect(iv.method, name).toMatch(/bootstrap-bc/);
      expect(iv.low, name).toBeLessThanOrEqual((out as unknown as Record<string, number>)[name]! + 1e-12);
      expect(iv.high, name).toBeGreaterThanOrEqual((out as unknown as Record<string, number>)[name]! - 1e-12);
    }
    expect(out.rowIds).toHaveLength(1500);
  });

  it('reads CSV probabilities and a label file, fits on a split and judges on the held-out rows, same bytes for the same seed', async () => {
    const args = ['calibration', '--predictions', join(dir, 'probs.csv'), '--labels', join(dir, 'y.txt'), '--fit-temperature', '--iterations', '100', '--seed', '3', '--format', 'json'];
    const [a, b] = [await runGlassbox(args), await runGlassbox(args)];
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const out = JSON.parse(a.stdout) as Printed;
    expect(Math.abs(out.ece - ref!.before_scaling.ece)).toBeLessThan(1e-9);
    const split = out.temperature!.split!;
    expect(split.calibrationRows + split.evaluationRows).toBe(1500);
    expect(out.temperature!.evaluatedOn).toBe('held-out rows');
    expect(out.temperature!.nll).toBeLessThan(out.temperature!.before.nll + 0.01);
  });

  it('refuses mismatched labels and malformed predictions with the file and row', async () => {
    await writeFile(join(dir, 'short.txt'), '1\n2\n');
    const short = await runGlassbox(['calibration', '--predictions', join(dir, 'probs.csv'), '--labels', join(dir, 'short.txt')]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/has 1500 rows but --labels has 2/);
    await writeFile(join(dir, 'bad.csv'), '0.5,0.5\n0.7,x\n');
    const bad = await runGlassbox(['calibration', '--predictions', join(dir, 'bad.csv'), '--labels', join(dir, 'short.txt')]);
    expect(bad.stderr).toMatch(/bad\.csv line 2, column 2: "x" is not a number/);
    const probs = await runGlassbox(['calibration', '--predictions', join(dir, 'logits.npy'), '--labels', join(dir, 'y.npy')]);
    expect(probs.stderr).toMatch(/not a probability in \[0, 1\][\s\S]*--logits/);
  });

  it('writes a calibrator from a model on data, and glassbox predict --calibrator applies it and says so', async () => {
    const model = ['--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json')];
    const file = join(dir, 'platt.json');
    const fit = await runGlassbox(['calibration', ...model, '--calibrator', 'platt', '--calibrator-out', file, '--iterations', '50', '--format', 'json']);
    expect(fit.code, fit.stderr).toBe(0);
    const printed = JSON.parse(fit.stdout) as Printed;
    expect(printed.calibrator?.kind).toBe('platt');
    const calibrator = calibratorFromJson(await readFile(file, 'utf8'), file);
    expect(calibrator.fittedOn.classNames).toEqual(['good', 'bad']);
    expect(calibrator.fittedOn.source).toMatch(/calibration split: 129 of 257 rows/);
    const plain = JSON.parse((await runGlassbox(['predict', ...model, '--rows', '0:20', '--format', 'json'])).stdout) as { outputs: number[][] };
    const run = await runGlassbox(['predict', ...model, '--rows', '0:20', '--calibrator', file, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const calibrated = JSON.parse(run.stdout) as { outputs: number[][]; calibrator: { kind: string; applied: boolean } };
    expect(calibrated.calibrator).toMatchObject({ kind: 'platt', applied: true });
    const expected = applyCalibrator(calibrator, { values: Float64Array.from(plain.outputs.flat()), k: 2, space: 'probabilities' });
    calibrated.outputs.flat().forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    expect(calibrated.outputs.flat()).not.toEqual(plain.outputs.flat());
  }, 60_000);

  it('draws the reliability diagram in HTML and tables per protected group on a demo', async () => {
    const html = await runGlassbox(['calibration', '--predictions', join(dir, 'probs.csv'), '--labels', join(dir, 'y.txt'), '--iterations', '50', '--format', 'html']);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toContain('<svg');
    expect(html.stdout).toContain('rows per bin');
    expect(html.stdout).toContain('1317');
    const demo = await runGlassbox(['calibration', '--demo', 'credit', '--protected', 'gender', '--fit-temperature', '--iterations', '50', '--format', 'json']);
    expect(demo.code, demo.stderr).toBe(0);
    const out = JSON.parse(demo.stdout) as Printed & { n: number; groups: { attribute: string; groups: { n: number; gap: number; gapInterval: { low: number; high: number } }[] }[] };
    const gender = out.groups.find((g) => g.attribute === 'gender')!;
    expect(gender.groups.reduce((s, g) => s + g.n, 0)).toBe(out.n);
    for (const g of gender.groups) expect(g.gapInterval.low <= g.gap && g.gap <= g.gapInterval.high).toBe(true);
    expect(out.temperature!.split!.calibrationRows + out.temperature!.split!.evaluationRows).toBe(out.n);
  }, 60_000);
});
