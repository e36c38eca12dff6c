import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';
import { referencePath, useReference } from '../support/reference.js';

interface GradientJson {
  method: string;
  engine?: string;
  shape: number[];
  target: number[];
  values: number[][][][];
  delta?: number[];
}

interface Captum {
  attributions: Record<string, number[][]> & { ig_convergence_delta: Record<string, number[]> };
}

const IMAGES = 4;

/** Largest |ours − captum| over a map, relative to the map's largest |captum| value. */
function relativeError(ours: number[][][], captum: readonly number[]): number {
  const flat = ours.flat(2);
  const scale = captum.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return flat.reduce((m, v, i) => Math.max(m, Math.abs(v - captum[i]!)), 0) / scale;
}

const HAS_REFERENCE = useReference('glassbox explain with gradient methods on mnist cnn.onnx (.npy input) reproduces captum', ['mnist/captum.json', 'mnist/cnn.onnx', 'mnist/samples.json']);

describe.skipIf(!HAS_REFERENCE)('glassbox explain with gradient methods on mnist cnn.onnx (.npy input) reproduces captum', () => {
  let dir = '';
  let xPath = '';
  let yPath = '';
  let captum: Captum;

  beforeAll(async () => {
    const samples = JSON.parse(await readFile(referencePath('mnist/samples.json'), 'utf8')) as { pixels: number[][]; labels: number[] };
    captum = JSON.parse(await readFile(referencePath('mnist/captum.json'), 'utf8')) as Captum;
    dir = await mkdtemp(join(tmpdir(), 'glassbox-explain-gradients-'));
    xPath = join(dir, 'x.npy');
    yPath = join(dir, 'y.npy');
    writeNpy(xPath, Float32Array.from(samples.pixels.slice(0, IMAGES).flat()), [IMAGES, 1, 28, 28]);
    writeNpy(yPath, BigInt64Array.from(samples.labels.slice(0, IMAGES), (l) => BigInt(l)), [IMAGES]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const explain = async (extra: readonly string[]): Promise<GradientJson> => {
    const run = await runGlassbox(['explain', '--model', referencePath('mnist/cnn.onnx'), '--data', xPath, '--labels', yPath, '--class', 'label', ...extra]);
    if (run.code !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as GradientJson;
  };

  it('saliency by both engines: captum within 1e-4 of each map, the same values either way, the engine named', async () => {
    const fast = await explain(['--method', 'saliency']);
    const interpreted = await explain(['--method', 'saliency', '--engine', 'tfjs']);
    expect(fast.engine).toBe('onnxruntime');
    expect(interpreted.engine).toBe('tfjs');
    expect(fast.shape).toEqual([IMAGES, 1, 28, 28]);
    for (let r = 0; r < IMAGES; r++) {
      expect(relativeError(fast.values[r]!, captum.attributions.saliency![r]!)).toBeLessThan(1e-4);
      expect(relativeError(interpreted.values[r]!, fast.values[r]!.flat(2))).toBeLessThan(1e-5);
    }
  });

  it('integrated gradients (trapezoid, 64 steps): captum maps and completeness deltas', async () => {
    const ig = await explain(['--method', 'integrated-gradients', '--ig-rule', 'riemann_trapezoid', '--steps', '64']);
    for (let r = 0; r < IMAGES; r++) expect(relativeError(ig.values[r]!, captum.attributions.integrated_gradients_riemann_trapezoid_64![r]!)).toBeLessThan(1e-4);
    const deltas = captum.attributions.ig_convergence_delta.integrated_gradients_riemann_trapezoid_64!;
    ig.delta!.forEach((d, r) => expect(Math.abs(d - deltas[r]!)).toBeLessThan(1e-4));
  });

  it('grad-cam on a named layer (upsampled) and guided backprop', async () => {
    const cam = await explain(['--method', 'grad-cam', '--layer', '/conv2/Conv_output_0']);
    expect(cam.shape).toEqual([IMAGES, 1, 28, 28]);
    for (let r = 0; r < IMAGES; r++) expect(relativeError(cam.values[r]!, captum.attributions.layer_gradcam_upsampled_28x28![r]!)).toBeLessThan(1e-4);
    const guided = await explain(['--method', 'guided-backprop']);
    for (let r = 0; r < IMAGES; r++) expect(relativeError(guided.values[r]!, captum.attributions.guided_backprop![r]!)).toBeLessThan(1e-4);
  });

  it('expected-gradients takes --background FILE or n: from one black image it approaches f(x) − f(black) (it failed: no background reached it)', async () => {
    const black = join(dir, 'black.npy');
    writeNpy(black, new Float32Array(784), [1, 1, 28, 28]);
    const eg = (await explain(['--method', 'expected-gradients', '--background', black, '--samples', '256'])) as GradientJson & { outputs: number[]; baseValues: number[] };
    eg.delta!.forEach((d, r) => expect(Math.abs(d)).toBeLessThan(0.03 * Math.abs(eg.outputs[r]! - eg.baseValues[r]!)));
    const firstRows = (await explain(['--method', 'expected-gradients', '--background', '2'])) as GradientJson & { baseValues: number[] };
    expect(firstRows.baseValues.every(Number.isFinite)).toBe(true);
    const wrong = join(dir, 'wrong.npy');
    writeNpy(wrong, new Float32Array(2 * 100), [2, 1, 10, 10]);
    const bad = await runGlassbox(['explain', '--model', referencePath('mnist/cnn.onnx'), '--data', xPath, '--method', 'expected-gradients', '--background', wrong]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/background rows have shape 1×10×10, the explained inputs 1×28×28/);
  });

  it('rejects an unknown engine and --engine with a model-agnostic method before any work', async () => {
    const bad = await runGlassbox(['explain', '--model', referencePath('mnist/cnn.onnx'), '--data', xPath, '--method', 'saliency', '--engine', 'gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--engine');
    const misplaced = await runGlassbox(['explain', '--model', referencePath('mnist/cnn.onnx'), '--data', xPath, '--method', 'lime', '--engine', 'tfjs']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--engine applies to gradient methods');
  });
});
