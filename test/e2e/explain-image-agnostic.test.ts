import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { loadModel } from '../../src/model/load-model.js';
import type { Differentiable } from '../../src/model/capabilities.js';
import type { Model } from '../../src/model/model.js';
import { loadInputs } from '../../src/cli/load-inputs.js';
import { runGlassbox } from '../support/cli.js';
import { referencePath, useReference } from '../support/reference.js';

interface ImageJson {
  method: string;
  shape: number[];
  rowIds: number[];
  target: number[];
  outputs: number[];
  values: number[][][][];
  segments?: number[][][];
  segmentWeights?: number[][];
  intercept?: number[];
  score?: number[];
}

const IMAGES = 4;
const SIZE = 28 * 28;

async function explainJson(args: readonly string[]): Promise<{ json: ImageJson; stdout: string }> {
  const run = await runGlassbox(['explain', ...args]);
  if (run.code !== 0) throw new Error(run.stderr);
  return { json: JSON.parse(run.stdout) as ImageJson, stdout: run.stdout };
}

/** Probability of `target` for each image of a batch [k, 1, 28, 28]. */
async function scores(model: Model, batch: Float32Array, target: number): Promise<number[]> {
  const out = await model.predict({ data: batch, shape: [batch.length / SIZE, 1, 28, 28] });
  return Array.from({ length: batch.length / SIZE }, (_, i) => out[i * model.outputWidth + target]!);
}

const HAS_REFERENCE = useReference('glassbox explain --method lime|occlusion on images (mnist cnn.onnx, .npy input)', ['mnist/cnn.onnx', 'mnist/samples.json']);

describe.skipIf(!HAS_REFERENCE)('glassbox explain --method lime|occlusion on images (mnist cnn.onnx, .npy input)', () => {
  const cnn = referencePath('mnist/cnn.onnx');
  let dir = '';
  let xPath = '';
  let yPath = '';
  let pixels = new Float32Array(0);
  let labels: number[] = [];
  let model: Model;

  beforeAll(async () => {
    const samples = JSON.parse(await readFile(referencePath('mnist/samples.json'), 'utf8')) as { pixels: number[][]; labels: number[] };
    dir = await mkdtemp(join(tmpdir(), 'glassbox-explain-images-'));
    pixels = new Float32Array(IMAGES * SIZE);
    for (let i = 0; i < IMAGES; i++) pixels.set(samples.pixels[i]!, i * SIZE);
    labels = samples.labels.slice(0, IMAGES);
    xPath = join(dir, 'x.npy');
    yPath = join(dir, 'y.npy');
    writeNpy(xPath, pixels, [IMAGES, 1, 28, 28]);
    writeNpy(yPath, BigInt64Array.from(labels, (l) => BigInt(l)), [IMAGES]);
    model = await loadModel(cnn);
  });
  afterAll(async () => {
    await model?.dispose?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const lime = (seed: number, rows: string, samples: number): string[] => ['--model', cnn, '--data', xPath, '--method', 'lime', '--segmentation', 'slic', '--segments', '20', '--samples', String(samples), '--seed', String(seed), '--rows', rows];

  it('LIME: values in the input shape, equal to the pixel’s superpixel weight; hiding the top superpixel hurts the predicted class more than hiding another', async () => {
    const { json } = await explainJson(lime(0, `0:${IMAGES}`, 500));
    expect(json.method).toBe('lime-image');
    expect(json.shape).toEqual([IMAGES, 1, 28, 28]);
    expect(json.values).toHaveLength(IMAGES);
    let topIsWorst = 0;
    for (let r = 0; r < IMAGES; r++) {
      const segments = json.segments![r]!.flat();
      const weights = json.segmentWeights![r]!;
      const values = json.values[r]![0]!.flat();
      expect(values).toHaveLength(SIZE);
      for (let p = 0; p < SIZE; p++) expect(values[p]).toBe(weights[segments[p]!]);
      expect(new Set(segments).size).toBe(weights.length);
      const image = pixels.subarray(r * SIZE, (r + 1) * SIZE);
      const [full] = await scores(model, image.slice(), json.target[r]!);
      expect(json.target[r]).toBe(argmax(await model.predict({ data: image.slice(), shape: [1, 1, 28, 28] })));
      // hide each superpixel with its mean colour (LIME's hiding) and measure the drop of the target probability
      const k = weights.length;
      const batch = new Float32Array(k * SIZE);
      for (let s = 0; s < k; s++) {
        let sum = 0;
        let count = 0;
        for (let p = 0; p < SIZE; p++) {
          if (segments[p] !== s) continue;
          sum += image[p]!;
          count++;
        }
        for (let p = 0; p < SIZE; p++) batch[s * SIZE + p] = segments[p] === s ? sum / count : image[p]!;
      }
      const drops = (await scores(model, batch, json.target[r]!)).map((v) => full! - v);
      const top = weights.indexOf(Math.max(...weights));
      const others = drops.filter((_, s) => s !== top);
      expect(drops[top]!).toBeGreaterThan(others.reduce((a, b) => a + b, 0) / others.length);
      if (drops[top]! >= Math.max(...others)) topIsWorst++;
    }
    expect(topIsWorst).toBeGreaterThanOrEqual(IMAGES - 1);
  });

  it('LIME: the same seed gives identical output, another seed different values', async () => {
    const a = await explainJson(lime(3, '1:2', 150));
    const b = await explainJson(lime(3, '1:2', 150));
    const c = await explainJson(lime(4, '1:2', 150));
    expect(a.stdout).toBe(b.stdout);
    expect(c.json.segments).toEqual(a.json.segments);
    expect(c.json.segmentWeights).not.toEqual(a.json.segmentWeights);
  });

  it('occlusion: each pixel’s value is the drop of the target probability when its window is set to the baseline', async () => {
    const { json } = await explainJson(['--model', cnn, '--data', xPath, '--method', 'occlusion', '--window', '7', '--stride', '7', '--baseline', '0.25', '--rows', '0:2']);
    expect(json.method).toBe('image-occlusion');
    expect(json.shape).toEqual([2, 1, 28, 28]);
    for (let r = 0; r < 2; r++) {
      const image = pixels.subarray(r * SIZE, (r + 1) * SIZE);
      const batch = new Float32Array(16 * SIZE);
      for (let k = 0; k < 16; k++) {
        batch.set(image, k * SIZE);
        const [y0, x0] = [Math.floor(k / 4) * 7, (k % 4) * 7];
        for (let y = y0; y < y0 + 7; y++) batch.fill(0.25, k * SIZE + y * 28 + x0, k * SIZE + y * 28 + x0 + 7);
      }
      const occluded = await scores(model, batch, json.target[r]!);
      for (let k = 0; k < 16; k++) {
        const [y0, x0] = [Math.floor(k / 4) * 7, (k % 4) * 7];
        expect(json.values[r]![0]![y0 + 3]![x0 + 3]!).toBeCloseTo(json.outputs[r]! - occluded[k]!, 5);
      }
    }
  });

  it('--class label reads --labels for the chosen rows, or an image folder’s class subfolders; --format html holds one PNG overlay per image', async () => {
    const { json } = await explainJson(['--model', cnn, '--data', xPath, '--labels', yPath, '--class', 'label', '--method', 'occlusion', '--window', '14', '--stride', '14', '--rows', '1:3']);
    expect(json.rowIds).toEqual([1, 2]);
    expect(json.target).toEqual(labels.slice(1, 3));
    // a folder with one subfolder per class: folder names are mapped to the model's classes
    const folder = join(dir, 'images');
    for (let i = 0; i < 3; i++) {
      await mkdir(join(folder, String(labels[i])), { recursive: true });
      const grey = Uint8Array.from(pixels.subarray(i * SIZE, (i + 1) * SIZE), (v) => Math.round(v * 255));
      await sharp(grey, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(folder, String(labels[i]), `${i}.png`));
    }
    const fromFolder = await explainJson(['--model', cnn, '--data', folder, '--class', 'label', '--method', 'occlusion', '--window', '14', '--stride', '14']);
    expect(fromFolder.json.shape).toEqual([3, 1, 28, 28]);
    expect([...fromFolder.json.target].sort()).toEqual(labels.slice(0, 3).sort());
    // the PNGs hold the same digits (8-bit), so the model's confidence in each true class stays high
    for (const p of fromFolder.json.outputs) expect(p).toBeGreaterThan(0.5);
    const html = await runGlassbox(['explain', ...lime(0, '0:2', 100), '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout.match(/data:image\/png;base64,/g)).toHaveLength(2);
  });
});

describe('glassbox explain --demo digits (channels-last tf.js CNN)', () => {
  it('occlusion values come back in the input’s [n, H, W, C] layout for the predicted class', async () => {
    const { json } = await explainJson(['--demo', 'digits', '--method', 'occlusion', '--window', '14', '--stride', '14', '--rows', '0:2']);
    expect(json.shape).toEqual([2, 28, 28, 1]);
    expect(json.values[0]).toHaveLength(28);
    expect(json.values[0]![0]).toHaveLength(28);
    expect(json.values[0]![0]![0]).toHaveLength(1);
    // a 14×14 window covers each quadrant: values are constant inside it, and at least one quadrant matters
    const quadrant = (r: number, qy: number, qx: number): number => json.values[r]![qy * 14]![qx * 14]![0]!;
    expect(json.values[0]![13]![13]![0]).toBe(quadrant(0, 0, 0));
    expect(Math.max(...[0, 1].flatMap((qy) => [0, 1].map((qx) => Math.abs(quadrant(0, qy, qx)))))).toBeGreaterThan(0.01);
  });

  it('gradient methods run through a channels-first view: saliency is |∂ logit / ∂ pixel| of the model, in [n, H, W, C]', async () => {
    const { json } = await explainJson(['--demo', 'digits', '--method', 'saliency', '--rows', '0:2']);
    expect(json.shape).toEqual([2, 28, 28, 1]);
    const inputs = await loadInputs({ demo: 'digits' }, { seed: 0, requireLabels: false });
    try {
      const x = inputs.x!;
      const model = inputs.model as Model & Differentiable;
      const rows = { data: x.data.subarray(0, 2 * SIZE), shape: [2, 28, 28, 1] };
      const grads = await model.inputGradients(rows, Int32Array.from(json.target), { output: 'logits' });
      const ours = json.values.flat(3);
      let scale = 0;
      let err = 0;
      grads.forEach((g, i) => {
        scale = Math.max(scale, Math.abs(g));
        err = Math.max(err, Math.abs(Math.abs(g) - ours[i]!));
      });
      expect(scale).toBeGreaterThan(0);
      expect(err / scale).toBeLessThan(1e-5);
    } finally {
      await inputs.model.dispose?.();
    }
  });
});

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
