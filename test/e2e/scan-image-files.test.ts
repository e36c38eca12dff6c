import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { loadOnnxModel } from '../../src/model/onnx.js';
import { resultsSchema, type ScanResults } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';
import { mnistTestImages as testImages } from '../support/mnist-test-images.js';
import { referencePath, useReference } from '../support/reference.js';

const IMAGES = 150;
const SIZE = 784;

async function scan(args: readonly string[]): Promise<{ results: ScanResults; html: string }> {
  const out = await mkdtemp(join(tmpdir(), 'glassbox-scan-images-'));
  try {
    const run = await runGlassbox(['scan', ...args, '--out', out, '--quiet']);
    if (run.code === 2) throw new Error(run.stderr);
    return { results: resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))), html: await readFile(join(out, 'report.html'), 'utf8') };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const HAS_REFERENCE = useReference('glassbox scan on image files with the mnist cnn.onnx', ['mnist/cnn.onnx', 'mnist/split.json']);

describe.skipIf(!HAS_REFERENCE)('glassbox scan on image files with the mnist cnn.onnx', () => {
  let dir = '';
  let data: Awaited<ReturnType<typeof testImages>> = { pixels: new Float32Array(0), labels: new Int32Array(0) };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-scan-image-data-'));
    data = await testImages(IMAGES);
    writeNpy(join(dir, 'x.npy'), data.pixels, [IMAGES, 1, 28, 28]);
    writeNpy(join(dir, 'y.npy'), BigInt64Array.from(data.labels, (l) => BigInt(l)), [IMAGES]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('.npy + --labels: accuracy equals the model’s own, and the image section explains errors with sanity verdicts', async () => {
    const { results, html } = await scan(['--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy')]);
    const model = await loadOnnxModel(referencePath('mnist/cnn.onnx'));
    const probs = await model.predict({ data: data.pixels, shape: [IMAGES, 1, 28, 28] });
    await model.dispose();
    let correct = 0;
    for (let i = 0; i < IMAGES; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (probs[i * 10 + k]! > probs[i * 10 + best]!) best = k;
      if (best === data.labels[i]) correct++;
    }
    expect(results.input.rows).toBe(IMAGES);
    expect(results.input.task).toBe('multiclass');
    const accuracy = results.findings.find((f) => f.id === 'overall-performance/accuracy')?.value;
    expect(accuracy).toBeCloseTo(correct / IMAGES, 12);
    expect(results.summary.detectors.filter((d) => d.status === 'failed')).toEqual([]);
    const section = results.sections.find((s) => s.id.startsWith('image-attributions'));
    expect(section?.blocks.some((b) => b.kind === 'image-grid' && b.rows.length > 0)).toBe(true);
    const sanity = results.detectors['image-attributions'] as { sanity: { verdicts?: { method: string; pass: boolean }[] } };
    expect(sanity.sanity.verdicts?.find((v) => /guided/i.test(v.method))?.pass).toBe(false);
    expect(html).toContain('Image attributions');
  }, 300_000);

  it('a folder of PNGs labels images by subfolder name; labels that are not model classes are refused', async () => {
    const folder = join(dir, 'png');
    for (let i = 0; i < 30; i++) {
      const sub = join(folder, String(data.labels[i]));
      await mkdir(sub, { recursive: true });
      const bytes = Buffer.from(Uint8Array.from(data.pixels.subarray(i * SIZE, (i + 1) * SIZE), (v) => Math.round(v * 255)));
      await sharp(bytes, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(sub, `${i}.png`));
    }
    const { results } = await scan(['--model', referencePath('mnist/cnn.onnx'), '--data', folder]);
    expect(results.input.rows).toBe(30);
    expect(results.findings.find((f) => f.id === 'overall-performance/accuracy')?.value).toBeGreaterThan(0.8);
    const slices = await runGlassbox(['slices', '--model', referencePath('mnist/cnn.onnx'), '--data', folder]);
    expect(slices.code).toBe(2);
    expect(slices.stderr).toMatch(/slices and fairness audit tabular rows/);
    await mkdir(join(folder, 'cat'), { recursive: true });
    await sharp(Buffer.alloc(SIZE), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(folder, 'cat', 'x.png'));
    const bad = await runGlassbox(['scan', '--model', referencePath('mnist/cnn.onnx'), '--data', folder, '--out', join(dir, 'never'), '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not one of the model's 10 classes/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  }, 300_000);
});
