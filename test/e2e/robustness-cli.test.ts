import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { readDigitsSource } from '../../src/demos/digits/data.js';
import { corruptImages } from '../../src/robust/corruptions/corrupt.js';
import { runGlassbox } from '../support/cli.js';
import { referencePath, useReference } from '../support/reference.js';

const N = 40;
const HAS_MODEL = useReference('glassbox robustness on mnist/cnn.onnx', ['mnist/cnn.onnx']);

interface Json {
  rowIds: number[];
  clean: { accuracy: number };
  corruptions: { name: string; severity: number; accuracy: number; drop: { value: number; interval: { low: number; high: number; method: string } } }[];
  ce: { name: string; ce: number | null; relativeCe: number | null }[];
  mCE: number | null;
  relativeMCE: number | null;
  normalised: boolean;
  perClass: { group: string; n: number }[];
}

describe.skipIf(!HAS_MODEL)('glassbox robustness on .npy images and mnist/cnn.onnx', () => {
  let dir = '';
  const model = referencePath('mnist/cnn.onnx');
  let pixels = new Float32Array(0);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-robustness-'));
    const source = readDigitsSource();
    // every 250th image: all ten digits
    const rows = Array.from({ length: N }, (_, i) => i * 250);
    pixels = new Float32Array(N * 784);
    rows.forEach((r, i) => pixels.set(source.pixels.subarray(r * 784, (r + 1) * 784), i * 784));
    writeNpy(join(dir, 'x.npy'), pixels, [N, 1, 28, 28]);
    writeNpy(join(dir, 'y.npy'), BigInt64Array.from(rows, (r) => BigInt(source.labels[r]!)), [N]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = (...more: string[]): string[] => ['robustness', '--model', model, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), ...more];

  it('prints accuracy per corruption × severity, paired drops and the unnormalised mCE, the same bytes for the same seed', async () => {
    const run = await runGlassbox(args('--corruptions', 'noise,contrast', '--severities', '1,5', '--seed', '3', '--format', 'json'));
    expect(run.code, run.stderr).toBe(0);
    const again = await runGlassbox(args('--corruptions', 'noise,contrast', '--severities', '1,5', '--seed', '3', '--format', 'json'));
    expect(again.stdout).toBe(run.stdout);
    const out = JSON.parse(run.stdout) as Json;
    expect(out.rowIds).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(out.corruptions.map((c) => `${c.name}:${c.severity}`)).toEqual(['gaussian_noise:1', 'gaussian_noise:5', 'shot_noise:1', 'shot_noise:5', 'impulse_noise:1', 'impulse_noise:5', 'contrast:1', 'contrast:5']);
    for (const c of out.corruptions) {
      expect(c.drop.value).toBeCloseTo(out.clean.accuracy - c.accuracy, 12);
      expect(c.drop.interval.method).toBe('newcombe-paired');
    }
    const meanError = out.corruptions.reduce((s, c) => s + 1 - c.accuracy, 0) / out.corruptions.length;
    expect(out.mCE).toBeCloseTo(meanError, 12);
    expect(out.normalised).toBe(false);
    expect(out.perClass.reduce((s, g) => s + g.n, 0)).toBe(N);
  });

  it('a baseline that is the model itself has CE 1 wherever the model errs', async () => {
    const run = await runGlassbox(args('--corruptions', 'impulse_noise,contrast', '--severities', '4,5', '--baseline-model', model, '--format', 'json'));
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Json;
    expect(out.normalised).toBe(true);
    for (const c of out.ce) if (c.ce !== null) expect(c.ce).toBeCloseTo(1, 12);
    if (out.mCE !== null) expect(out.mCE).toBeCloseTo(1, 12);
  });

  it('--save writes a PNG grid per corruption and the corrupted images as .npy, equal to the library’s', async () => {
    const save = join(dir, 'saved');
    const run = await runGlassbox(args('--corruptions', 'fog,pixelate', '--severities', '2', '--seed', '5', '--save', save, '--format', 'table', '--quiet'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/fog/);
    expect(existsSync(join(save, 'fog.png')) && existsSync(join(save, 'pixelate.png'))).toBe(true);
    const saved = readNpy(join(save, 'fog_s2.npy'));
    expect(saved.shape).toEqual([N, 1, 28, 28]);
    const ours = await corruptImages({ data: pixels, shape: [N, 1, 28, 28] }, 'fog', 2, { seed: 5 });
    expect(Array.from(saved.data as Float32Array)).toEqual(Array.from(ours.data));
  });

  it('refuses unknown corruptions, bad severities and non-image demos before any work', async () => {
    const bad = await runGlassbox(args('--corruptions', 'fog,rain'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"rain" is not a corruption/);
    const sev = await runGlassbox(args('--severities', '0,6'));
    expect(sev.code).toBe(2);
    expect(sev.stderr).toMatch(/--severities/);
    const demo = await runGlassbox(['robustness', '--demo', 'credit']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/not an image demo/);
  });
});

describe('glassbox robustness --demo digits', () => {
  it('renders the accuracy chart and the example grid as HTML', async () => {
    const run = await runGlassbox(['robustness', '--demo', 'digits', '--rows', '0:60', '--corruptions', 'fog,brightness', '--severities', '1,3', '--format', 'html', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/<svg/);
    expect(run.stdout).toMatch(/severity 3/);
    expect((run.stdout.match(/data:image\/png;base64/g) ?? []).length).toBeGreaterThanOrEqual(6);
  });

  it('--demo digits --rows a:b counts the demo\'s test images, so they span the classes (it took the source\'s first ids: only zeros)', async () => {
    const run = await runGlassbox(['robustness', '--demo', 'digits', '--rows', '0:100', '--corruptions', 'brightness', '--severities', '1', '--format', 'json', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { rowIds: number[]; perClass: { n: number }[] | Record<string, { n: number }> };
    expect(json.rowIds).toHaveLength(100);
    const classes = Object.values(json.perClass).filter((c) => c.n > 0);
    expect(classes.length).toBeGreaterThanOrEqual(8);
  });
});
