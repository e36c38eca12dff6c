import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxGradModel, type OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import { runAttack } from '../../src/robust/attacks/public.js';
import { boundGraphFromOnnx } from '../../src/robust/certify/from-onnx.js';
import { certifyRobustness, inputBox } from '../../src/robust/certify/certify.js';
import type { BoundGraph } from '../../src/robust/certify/bound-graph.js';
import { relaxedNeurons } from '../../src/robust/certify/graph-of-model.js';
import { referencePath, useReference } from '../support/reference.js';

const present = useReference('certified bounds on the reference CNNs', ['mnist/cnn.onnx', 'mnist/samples.json', 'cka/cnn_seed1.onnx']);
/** The reference README's tolerance for float32 CNN logits (accumulation order). */
const LOGIT_TOL = 1e-4;

interface Samples {
  labels: number[];
  pixels: number[][];
  logits: number[][];
}

/**
 * Points of the box that push one logit up or down: `steps` signed-gradient steps of ε/4 from x,
 * projected back onto the box after each (an L∞ PGD on that logit). Row r·2K + 2k (+1) maximises (minimises) logit k.
 */
async function signSearch(model: OnnxGradModel, x: Float32Array, epsilon: number, classes: number, steps: number): Promise<Float32Array> {
  const size = x.length;
  const box = inputBox(x, epsilon, [0, 1]);
  const rows = 2 * classes;
  const points = new Float32Array(rows * size);
  for (let r = 0; r < rows; r++) points.set(x, r * size);
  const target = Int32Array.from({ length: rows }, (_, r) => r >> 1);
  for (let step = 0; step < steps; step++) {
    const grad = await model.inputGradients({ data: points, shape: [rows, 1, 28, 28] }, target, { output: 'logits' });
    for (let r = 0; r < rows; r++) {
      const direction = r % 2 === 0 ? 1 : -1;
      for (let i = 0; i < size; i++) {
        const g = grad[r * size + i]!;
        const moved = points[r * size + i]! + (direction * Math.sign(g) * epsilon) / 4;
        points[r * size + i] = Math.min(box.upper[i]!, Math.max(box.lower[i]!, moved));
      }
    }
  }
  return points;
}

describe.skipIf(!present)('IBP and CROWN on the reference MNIST CNNs', () => {
  const samples = present ? (JSON.parse(readFileSync(referencePath('mnist', 'samples.json'), 'utf8')) as Samples) : undefined;
  const graphs = new Map<string, BoundGraph>();
  let model: OnnxGradModel;
  const images = (n: number): Float32Array => Float32Array.from(samples!.pixels.slice(0, n).flat());

  beforeAll(async () => {
    for (const file of ['mnist/cnn.onnx', 'cka/cnn_seed1.onnx']) graphs.set(file, boundGraphFromOnnx(readFileSync(referencePath(file)), [1, 28, 28]));
    model = await loadOnnxGradModel(referencePath('mnist', 'cnn.onnx'), { engine: 'onnxruntime' });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('counts the CNN’s pre-activation neurons (conv1, conv2, fc1) for the scan budget', () => {
    expect(relaxedNeurons(graphs.get('mnist/cnn.onnx')!)).toBe(8 * 28 * 28 + 16 * 14 * 14 + 64);
  });

  it('at ε = 0 both methods give lower = upper = the torch logits', async () => {
    const graph = graphs.get('mnist/cnn.onnx')!;
    for (const method of ['ibp', 'crown'] as const) {
      const r = await certifyRobustness(graph, { data: images(4), shape: [4, 1, 28, 28] }, samples!.labels.slice(0, 4), { method, epsilon: 0 });
      samples!.logits.slice(0, 4).flat().forEach((v, i) => {
        expect(Math.abs(r.lower[i]! - v)).toBeLessThan(LOGIT_TOL);
        expect(r.upper[i]! - r.lower[i]!).toBeLessThan(1e-9);
      });
    }
  });

  it('logits of signed-gradient search points and random points of the ε = 0.01 box lie inside both bounds', async () => {
    const graph = graphs.get('mnist/cnn.onnx')!;
    const epsilon = 0.01;
    for (let image = 0; image < 2; image++) {
      const x = images(image + 1).subarray(image * 784);
      const searched = await signSearch(model, x, epsilon, 10, 8);
      const box = inputBox(x, epsilon, [0, 1]);
      const random = new Float32Array(16 * 784);
      let s = 12345 + image;
      for (let i = 0; i < random.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = i % 784;
        random[i] = box.lower[j]! + ((s >>> 8) / 16777216) * (box.upper[j]! - box.lower[j]!);
      }
      const points = new Float32Array([...searched, ...random]);
      const logits = await model.forward({ data: points, shape: [points.length / 784, 1, 28, 28] }, { output: 'logits' });
      for (const method of ['ibp', 'crown'] as const) {
        const b = await certifyRobustness(graph, { data: x, shape: [1, 1, 28, 28] }, [samples!.labels[image]!], { method, epsilon });
        for (let p = 0; p < points.length / 784; p++) {
          for (let k = 0; k < 10; k++) {
            const v = logits[p * 10 + k]!;
            expect(v).toBeGreaterThanOrEqual(b.lower[k]! - LOGIT_TOL);
            expect(v).toBeLessThanOrEqual(b.upper[k]! + LOGIT_TOL);
          }
        }
        // the search really moves logit 0 inside its bounds (row 0 maximises it, row 1 minimises it)
        expect(logits[0]! - logits[10]!).toBeGreaterThan(0);
        expect(logits[0]! - logits[10]!).toBeLessThanOrEqual(b.upper[0]! - b.lower[0]! + 2 * LOGIT_TOL);
      }
    }
  }, 60_000);

  it.each(['mnist/cnn.onnx', 'cka/cnn_seed1.onnx'])('%s: at ε = 0.005, CROWN certifies strictly more of 10 test images than IBP', async (file) => {
    const graph = graphs.get(file)!;
    const x = { data: images(10), shape: [10, 1, 28, 28] };
    const labels = samples!.labels.slice(0, 10);
    const ibp = await certifyRobustness(graph, x, labels, { method: 'ibp', epsilon: 0.005 });
    const crown = await certifyRobustness(graph, x, labels, { method: 'crown', epsilon: 0.005 });
    expect(crown.certifiedAccuracy).toBeGreaterThan(ibp.certifiedAccuracy);
    // CROWN's margin bound beats the interval margin on every image here
    for (let r = 0; r < 10; r++) expect(crown.margin[r]).toBeGreaterThan(ibp.margin[r]!);
  }, 60_000);

  it('PGD-20 examples at ε = 0.01 stay inside the bounds, and PGD flips no image that CROWN certifies', async () => {
    const graph = graphs.get('mnist/cnn.onnx')!;
    const n = 8;
    const epsilon = 0.01;
    const x = { data: images(n), shape: [n, 1, 28, 28] };
    const labels = Int32Array.from(samples!.labels.slice(0, n));
    const attack = await runAttack(model, x, labels, { method: 'pgd', epsilon, steps: 20, randomStart: true, seed: 0 });
    const logits = await model.forward({ data: attack.adversarial, shape: x.shape }, { output: 'logits' });
    for (const method of ['ibp', 'crown'] as const) {
      const b = await certifyRobustness(graph, x, labels, { method, epsilon });
      for (let r = 0; r < n; r++) {
        let worst = Infinity;
        for (let k = 0; k < 10; k++) {
          const v = logits[r * 10 + k]!;
          expect(v).toBeGreaterThanOrEqual(b.lower[r * 10 + k]! - LOGIT_TOL);
          expect(v).toBeLessThanOrEqual(b.upper[r * 10 + k]! + LOGIT_TOL);
          if (k !== labels[r]) worst = Math.min(worst, logits[r * 10 + labels[r]!]! - v);
        }
        expect(worst).toBeGreaterThanOrEqual(b.margin[r]! - 2 * LOGIT_TOL);
        if (b.certified[r]) expect(attack.predictionsAfter[r]).toBe(labels[r]);
      }
    }
  }, 60_000);
});
