import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { trainVae } from '../../src/defuse/vae/train.js';
import { smallCnnOnnx } from '../../src/model/onnx-grad/small-cnn.js';
import { barImages } from '../support/bar-images.js';
import { runGlassbox } from '../support/cli.js';
import { randomSmallCnn } from '../support/tiny-nets.js';

let dir: string;
let args: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glassbox-defuse-cli-'));
  const train = barImages(160, 1);
  const test = barImages(80, 2);
  writeNpy(join(dir, 'train.npy'), train.x, [160, 1, 8, 8]);
  writeNpy(join(dir, 'train-labels.npy'), Float64Array.from(train.labels), [160]);
  writeNpy(join(dir, 'test.npy'), test.x, [80, 1, 8, 8]);
  writeNpy(join(dir, 'test-labels.npy'), Float64Array.from(test.labels), [80]);
  await writeFile(join(dir, 'cnn.onnx'), smallCnnOnnx(randomSmallCnn(5, 1, 8, 8, 4, 2)));
  const { vae } = await trainVae({ data: train.x, shape: [160, 8, 8, 1] }, { latentDim: 3, filters: [4, 8], epochs: 12, batchSize: 16, learningRate: 1e-2, seed: 0, labels: train.labels, checkerEpochs: 15 });
  await vae.save(join(dir, 'vae.json'));
  vae.dispose();
  args = ['defuse', '--model', join(dir, 'cnn.onnx'), '--data', join(dir, 'train.npy'), '--labels', join(dir, 'train-labels.npy'), '--test-data', join(dir, 'test.npy'), '--test-labels', join(dir, 'test-labels.npy'), '--vae', join(dir, 'vae.json'), '--samples-per-example', '20', '--noise-scale', '1', '--checker-confidence', '0.6', '--epochs', '2', '--samples-per-scenario', '200', '--quiet'];
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('glassbox defuse (CLI)', () => {
  it('finds scenarios, corrects and writes back an ONNX classifier, with the fields the issue lists; same seed, same scenarios', async () => {
    const out = join(dir, 'run');
    const r = await runGlassbox([...args, '--accept-source', '--out', out, '--seed', '0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.unrestrictedAdversarialExamples).toBeGreaterThan(0);
    expect(result.scenarios.length).toBeGreaterThan(0);
    for (const s of result.scenarios) {
      expect(Object.keys(s).sort()).toEqual(['annotation', 'id', 'image', 'predictedLabels', 'size', 'sourceLabels', 'sources']);
      expect(Object.values(s.sourceLabels as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(s.size);
      expect(Object.keys(s.sourceLabels)).toEqual([s.annotation]);
      const meta = await sharp(join(out, s.image)).metadata();
      expect(meta.format).toBe('png');
    }
    const c = result.correction;
    for (const key of ['testAccuracyBefore', 'testAccuracyAfter', 'scenarioAccuracyBefore', 'scenarioAccuracyAfter', 'heldOut']) expect(c).toHaveProperty(key);
    expect(c.scenarioAccuracyBefore).toBe(0);
    expect(c.training).toMatchObject({ epochs: 2, samplesPerScenario: 200, scenarioSampling: 'recognisable', checkerConfidence: 0.6 });
    for (const s of c.perScenario) expect(s.samples).toBeLessThanOrEqual(Math.min(200, s.samplesDrawn));
    expect(c.correctedModel).toBe('corrected.onnx');
    // the written file ran in onnxruntime and gives the accuracy the tuned model had
    expect(c.correctedModelOnnxruntimeTestAccuracy).toBeCloseTo(c.testAccuracyAfter, 10);
    expect(JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))).toEqual(result);
    const again = join(dir, 'again');
    await runGlassbox([...args, '--out', again, '--seed', '0']);
    expect(await readFile(join(again, 'scenarios.json'), 'utf8')).toBe(await readFile(join(out, 'scenarios.json'), 'utf8'));
    for (const s of result.scenarios) expect(await readFile(join(again, s.image))).toEqual(await readFile(join(out, s.image)));
  }, 120_000);

  it('annotate writes annotations.json, and --annotations corrects without repeating the search', async () => {
    const out = join(dir, 'annotated');
    const first = JSON.parse((await runGlassbox([...args, '--out', out, '--seed', '0', '--mixture', 'dirichlet-process'])).stdout);
    expect(first.correction).toBeNull();
    expect(first.mixture).toBe('dirichlet-process');
    expect(first.scenarios.length).toBeGreaterThan(0);
    const scenarios = join(out, 'scenarios.json');
    const a = await runGlassbox(['defuse', 'annotate', scenarios, '--label', '0=1']);
    expect(a.code).toBe(0);
    const annotations = JSON.parse(await readFile(join(out, 'annotations.json'), 'utf8'));
    expect(annotations.labels).toEqual({ '0': '1' });
    const r = await runGlassbox([...args, '--annotations', join(out, 'annotations.json'), '--out', join(dir, 'corrected'), '--seed', '0']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.reusedSearch).toBe(true);
    expect(result.mixture).toBe('dirichlet-process');
    expect(result.scenarios[0].annotation).toBe('1');
    expect(result.correction.perScenario.map((s: { id: number }) => s.id)).toEqual([0]);
    const bad = await runGlassbox(['defuse', 'annotate', scenarios, '--label', '99=1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no scenario 99/);
  }, 120_000);

  it('refuses bad input with a specific error before any work', async () => {
    const noOut = await runGlassbox(args);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/Missing --out/);
    const mixture = await runGlassbox([...args, '--out', join(dir, 'x'), '--mixture', 'em']);
    expect(mixture.code).toBe(2);
    expect(mixture.stderr).toMatch(/--mixture/);
    const sampling = await runGlassbox([...args, '--out', join(dir, 'x'), '--accept-source', '--scenario-sampling', 'all']);
    expect(sampling.code).toBe(2);
    expect(sampling.stderr).toMatch(/--scenario-sampling/);
    const both = await runGlassbox([...args, '--out', join(dir, 'x'), '--accept-source', '--annotations', 'a.json']);
    expect(both.stderr).toMatch(/either --annotations FILE or --accept-source/);
    const noLabels = await runGlassbox(args.filter((_, i) => args[i] !== '--labels' && args[i - 1] !== '--labels').concat(['--out', join(dir, 'y')]));
    expect(noLabels.stderr).toMatch(/give its labels with --labels/);
    const demo = await runGlassbox(['defuse', '--demo', 'credit', '--out', join(dir, 'z')]);
    expect(demo.stderr).toMatch(/--demo takes digits/);
    expect(existsSync(join(dir, 'z'))).toBe(false);
  }, 60_000);
});
