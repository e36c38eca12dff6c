import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSmallCnn } from '../../../test/support/tiny-nets.js';
import { imageTable } from '../../data/image-table.js';
import { trainVae } from '../../defuse/vae/train.js';
import { smallCnnOnnx } from '../../model/onnx-grad/small-cnn.js';
import { loadOnnxModel } from '../../model/onnx.js';
import { permuteImages } from '../../model/image-layout.js';
import { barImages } from '../../../test/support/bar-images.js';
import type { ScanContext } from '../detector.js';
import { defaultDetectors } from '../registry.js';
import { failureScenarios } from './failure-scenarios.js';

const dir = await mkdtemp(join(tmpdir(), 'glassbox-failure-scenarios-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('failure-scenarios detector', () => {
  it('is off without a VAE and says how to turn it on; is registered in the scan', async () => {
    expect(defaultDetectors().some((d) => d.id === 'failure-scenarios')).toBe(true);
    const { x, labels } = barImages(160, 1);
    const model = await loadOnnxModel(smallCnnOnnx(randomSmallCnn(5, 1, 8, 8, 4, 2)));
    const input = permuteImages({ data: x, shape: [160, 8, 8, 1] }, 'nhwc');
    const { table, schema } = imageTable(input, labels, ['0', '1'], 'binary', 'test');
    const base: ScanContext = { table, schema, model, x: input, outputs: await model.predict(input), labels: Float64Array.from(labels), classes: ['0', '1'], seed: 0, options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 }, progress: () => {} };
    expect(failureScenarios.applies(base)).toMatch(/off by default.*--defuse-vae/);
    // with a VAE trained on the images: a finding whose counts agree with its evidence, and one grid row per scenario
    const { vae } = await trainVae({ data: x, shape: [160, 8, 8, 1] }, { latentDim: 3, filters: [4, 8], epochs: 12, batchSize: 16, learningRate: 1e-2, seed: 0, labels, checkerEpochs: 15 });
    const file = join(dir, 'vae.json');
    await vae.save(file);
    vae.dispose();
    const c = { ...base, options: { ...base.options, defuseVae: file, defuseNoiseScale: 1, defuseCheckerConfidence: 0.6 } };
    expect(failureScenarios.applies(c)).toBe(true);
    const r = await failureScenarios.run(c);
    const data = r.data as { unrestrictedAdversarialExamples: number; samples: number; scenarios: { size: number }[] };
    expect(data.samples).toBeGreaterThan(0);
    // a random CNN is wrong on many decoded bars, so the search finds examples
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f.value).toBeCloseTo(data.unrestrictedAdversarialExamples / data.samples, 12);
    const sheets = r.sections![0]!.blocks;
    expect(sheets.filter((b) => b.kind === 'image' && b.pngBase64.length > 0)).toHaveLength(data.scenarios.length);
    for (const id of f.examples) expect(Array.from(table.rowIds)).toContain(id);
    const again = await failureScenarios.run(c);
    expect(JSON.stringify(again.data)).toBe(JSON.stringify(r.data));
  }, 60_000);
});
