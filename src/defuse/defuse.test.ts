import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSmallCnn } from '../../test/support/tiny-nets.js';
import { smallCnnOnnx } from '../model/onnx-grad/small-cnn.js';
import { loadOnnxModel } from '../model/onnx.js';
import { Rng } from '../rng.js';
import { barImages } from '../../test/support/bar-images.js';
import { loadTrainableOnnx, type TrainableOnnxModel } from '../train/onnx-trainable.js';
import { fitGaussianMixture, sampleMixtureComponent } from '../math/gaussian-mixture.js';
import { correctModel } from './correct.js';
import { distillScenarios, majority } from './distill.js';
import { checkerAccepts, identifyFailures, type UnrestrictedAdversarialExamples } from './identify.js';
import { sampleScenario } from './scenario-samples.js';
import { argmaxRows, toModelInput } from './model-input.js';
import { trainVae } from './vae/train.js';
import type { Vae } from './vae/vae.js';

/** Bar images as the [n, 8, 8, 1] image tensor the VAE takes. */
function bars(n: number, seed: number): { images: { data: Float32Array; shape: number[] }; labels: Int32Array } {
  const { x, labels } = barImages(n, seed);
  return { images: { data: x, shape: [n, 8, 8, 1] }, labels };
}

const train = bars(160, 1);
const test = bars(80, 2);
let vae: Vae;
let dir: string;
/** A random channels-first ONNX CNN: wrong on many images, so perturbations flip it often. */
const cnn = (): Promise<TrainableOnnxModel> => loadTrainableOnnx(smallCnnOnnx(randomSmallCnn(5, 1, 8, 8, 4, 2)));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glassbox-defuse-'));
  ({ vae } = await trainVae(train.images, { latentDim: 3, filters: [4, 8], epochs: 12, batchSize: 16, learningRate: 1e-2, seed: 0, labels: train.labels, checkerEpochs: 15 }));
}, 60_000);
afterAll(async () => {
  vae.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('Defuse identification', () => {
  let found: UnrestrictedAdversarialExamples;
  it('keeps exactly the decoded perturbations the classifier gets wrong and the reconstruction classifier still calls the source class', async () => {
    const model = await cnn();
    found = await identifyFailures(model, vae, train.images, train.labels, { samplesPerExample: 20, noiseScale: 1, checkerConfidence: 0.6, seed: 3 });
    const m = found.sourceRows.length;
    expect(m).toBeGreaterThan(10);
    const { search } = found;
    expect(search.samples).toBe(search.correctSources * 20);
    expect(search.misclassified).toBe(m + search.rejectedByChecker);
    // the stored images are the decoded codes; the classifier's recorded class is its class on them, never the source label
    expect(vae.decode(found.latent).data).toEqual(found.images.data);
    const p = argmaxRows(await model.predict(toModelInput(found.images, 'nchw')), 2);
    expect(p.index).toEqual(found.predicted);
    const q = argmaxRows(await vae.checker!.predict(found.images), 2);
    const sourcesRight = argmaxRows(await model.predict(toModelInput(train.images, 'nchw')), 2).index;
    for (let i = 0; i < m; i++) {
      expect(found.predicted[i]).not.toBe(found.sourceLabels[i]);
      expect(found.sourceLabels[i]).toBe(train.labels[found.sourceRows[i]!]);
      expect(q.index[i]).toBe(found.sourceLabels[i]);
      expect(found.checkerConfidence[i]).toBeGreaterThanOrEqual(0.6);
      expect(sourcesRight[found.sourceRows[i]!]).toBe(train.labels[found.sourceRows[i]!]);
    }
    // the same seed gives the same examples; another seed other ones
    const again = await identifyFailures(model, vae, train.images, train.labels, { samplesPerExample: 20, noiseScale: 1, checkerConfidence: 0.6, seed: 3 });
    expect(again.latent).toEqual(found.latent);
    const other = await identifyFailures(model, vae, train.images, train.labels, { samplesPerExample: 20, noiseScale: 1, checkerConfidence: 0.6, seed: 4 });
    expect(other.latent).not.toEqual(found.latent);
  }, 30_000);

  it.each(['bic', 'dirichlet-process'] as const)('distils scenarios (%s) that partition the assigned examples, one source class each, deterministically', (mixture) => {
    const d = distillScenarios(found, 2, { seed: 0, minSize: 2, mixture });
    expect(d.mixture).toBe(mixture);
    for (const g of d.groups) expect(g.candidates.length > 0).toBe(mixture === 'bic');
    expect(d.scenarios.length).toBeGreaterThan(0);
    const seen = new Set<number>();
    for (const s of d.scenarios) {
      expect(s.size).toBe(s.members.length);
      expect(s.sourceLabels.reduce((a, b) => a + b, 0)).toBe(s.size);
      expect(s.predictedLabels.reduce((a, b) => a + b, 0)).toBe(s.size);
      expect([...s.sourceLabels].filter((n) => n > 0)).toHaveLength(1);
      for (const i of s.members) {
        expect(seen.has(i)).toBe(false);
        seen.add(i);
      }
    }
    expect(seen.size + d.unassigned).toBe(found.sourceRows.length);
    const again = distillScenarios(found, 2, { seed: 0, minSize: 2, mixture });
    expect(again.scenarios.map((s) => Array.from(s.members))).toEqual(d.scenarios.map((s) => Array.from(s.members)));
    const pooled = distillScenarios(found, 2, { seed: 0, minSize: 2, groupBy: 'none', mixture });
    expect(pooled.groups).toHaveLength(1);
  });

  it('samples a scenario\'s Gaussian keeping exactly the draws the reconstruction classifier still sees as the source class', async () => {
    const d = distillScenarios(found, 2, { seed: 0, minSize: 2 });
    const s = d.scenarios[0]!;
    const source = majority(s.sourceLabels);
    const z = Float64Array.from([...s.members].flatMap((i) => Array.from(found.latent.subarray(i * 3, (i + 1) * 3))));
    // a deliberately wide Gaussian, so that many draws decode to the other class and must be rejected
    const g = fitGaussianMixture(z, s.size, 3, { components: 1, covariance: 'diag', regularization: 4, seed: 0 });
    const options = { count: 40, sampling: 'recognisable' as const, maxDraws: 400, sourceLabel: source, checkerConfidence: 0.6 };
    const got = await sampleScenario(vae, g, { ...options, rng: new Rng(7) });
    // oracle: replay the same seeded rounds of draws and apply the test draw by draw
    const rng = new Rng(7);
    const expected: number[] = [];
    let drawn = 0;
    let rejected = 0;
    while (expected.length / 3 < 40 && drawn < 400) {
      const codes = Float32Array.from(sampleMixtureComponent(g, 0, 40, rng.fork()));
      drawn += 40;
      const p = await vae.checker!.predict(vae.decode(codes));
      for (let k = 0; k < 40 && expected.length / 3 < 40; k++) {
        if (checkerAccepts(p, k, 2, source, 0.6) === null) rejected++;
        else expected.push(...codes.subarray(k * 3, (k + 1) * 3));
      }
    }
    expect(rejected).toBeGreaterThan(0);
    expect(got.drawn).toBe(drawn);
    expect(got.accepted).toBe(expected.length / 3);
    expect(Array.from(got.codes)).toEqual(expected);
    expect(got.accepted === 40 || got.drawn === 400).toBe(true);
    // every kept code decodes to an image the reconstruction classifier gives the source class at ≥ 0.6
    const q = await vae.checker!.predict(vae.decode(got.codes));
    for (let k = 0; k < got.accepted; k++) expect(checkerAccepts(q, k, 2, source, 0.6)).not.toBeNull();
    // 'gaussian' keeps every draw: the plain seeded sample
    const plain = await sampleScenario(vae, g, { ...options, sampling: 'gaussian', rng: new Rng(7) });
    expect(plain).toMatchObject({ accepted: 40, drawn: 40 });
    expect(plain.codes).toEqual(Float32Array.from(sampleMixtureComponent(g, 0, 40, new Rng(7))));
  });

  it('corrects an ONNX classifier: held-out scenario accuracy rises, and the written file runs in onnxruntime with the tuned predictions', async () => {
    const model = await cnn();
    const d = distillScenarios(found, 2, { seed: 0, minSize: 2 });
    const annotations = new Map(d.scenarios.map((s) => [s.id, majority(s.sourceLabels)]));
    const result = await correctModel(model, vae, found, d.scenarios, annotations, train, test, { seed: 0, epochs: 4, samplesPerScenario: 100, anchorRows: 100, learningRate: 5e-3 });
    expect(result.heldOut).toBeGreaterThan(0);
    expect(result.heldOut).toBe(result.scenarios.reduce((a, s) => a + s.heldOut, 0));
    for (const s of result.scenarios) expect(s.samples).toBeLessThanOrEqual(Math.min(100, s.samplesDrawn));
    // every held-out example was misclassified to begin with
    expect(result.scenarioAccuracyBefore).toBe(0);
    expect(result.scenarioAccuracyAfter!).toBeGreaterThan(0.5);
    const file = join(dir, 'corrected.onnx');
    await model.save(file);
    const reloaded = await loadOnnxModel(file);
    const x = toModelInput(test.images, 'nchw');
    const [a, b] = [await model.predict(x), await reloaded.predict(x)];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    let right = 0;
    const pred = argmaxRows(b, 2).index;
    for (let i = 0; i < pred.length; i++) if (pred[i] === test.labels[i]) right++;
    expect(right / pred.length).toBeCloseTo(result.testAccuracyAfter, 10);
    await reloaded.dispose?.();
  }, 60_000);

  it('refuses bad input before searching', async () => {
    const model = await cnn();
    await expect(identifyFailures(model, vae, train.images, train.labels.subarray(1))).rejects.toThrow(/160 images but 159 labels/);
    await expect(identifyFailures(model, vae, train.images, train.labels, { samplesPerExample: 0 })).rejects.toThrow(/samplesPerExample must be an integer/);
    await expect(identifyFailures(model, vae, { data: new Float32Array(10 * 144), shape: [10, 12, 12, 1] }, new Int32Array(10))).rejects.toThrow(/the VAE was trained on \[8, 8, 1\]/);
    const { Vae: VaeClass } = await import('./vae/vae.js');
    const bare = new VaeClass(vae.config, vae.encoder, vae.decoder, vae.metadata);
    await expect(identifyFailures(model, bare, train.images, train.labels)).rejects.toThrow(/no reconstruction classifier/);
    expect(() => distillScenarios({ ...found, sourceRows: new Int32Array(1), latent: new Float32Array(3) }, 2)).toThrow(/at least 2 unrestricted adversarial examples/);
    await expect(correctModel(model, vae, found, [], new Map([[7, 0]]), train, test)).rejects.toThrow(/scenario 7, which does not exist/);
    await expect(correctModel(model, vae, found, [], new Map([[0, 0]]), train, test, { samplesPerScenario: 100, maxDrawsPerScenario: 50 })).rejects.toThrow(/maxDrawsPerScenario must be an integer ≥ samplesPerScenario/);
  });
});
