import { describe, expect, it } from 'vitest';
import { imageTable } from '../../data/image-table.js';
import { fnModel } from '../../model/fn.js';
import type { Tensor } from '../../model/tensor.js';
import type { ScanContext } from '../detector.js';
import { corruptionRobustnessDetector } from './corruption-robustness.js';

/** 8×8 grey images: class 1 = a bright band across the middle (mean about 0.39), class 0 = dark (about 0.12). */
function images(n: number): { x: Tensor; labels: Int32Array } {
  const data = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 64; p++) data[i * 64 + p] = 0.1 + (labels[i] && p >= 16 && p < 48 ? 0.55 : 0) + 0.01 * ((i * 7 + p) % 5);
  }
  return { x: { data, shape: [n, 1, 8, 8] }, labels };
}

/** A classifier that thresholds mean brightness at 0.3: brightness shifts push dark images over it. */
const model = fnModel({
  inputShape: [1, 8, 8],
  task: 'binary',
  classes: ['dark', 'bright'],
  predict: (x, n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < 64; p++) s += x[i * 64 + p]!;
      out[i] = 1 / (1 + Math.exp(-40 * (s / 64 - 0.3)));
    }
    return out;
  },
});

async function context(n: number, extra: Partial<ScanContext> = {}): Promise<ScanContext> {
  const { x, labels } = images(n);
  const { table, schema } = imageTable(x, labels, ['dark', 'bright'], 'binary', 'test');
  const outputs = await model.predict(x);
  return { table, schema, model, x, outputs, labels: Float64Array.from(labels), classes: ['dark', 'bright'], seed: 1, options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 }, progress: () => {}, ...extra };
}

describe('corruption-robustness detector', () => {
  it('reports brightness (it moves the feature the model thresholds) with a paired interval and side-by-side images', async () => {
    const c = await context(120);
    expect(corruptionRobustnessDetector.applies(c)).toBe(true);
    const r = await corruptionRobustnessDetector.run(c);
    const bright = r.findings.find((f) => f.id === 'corruption-robustness/brightness');
    expect(bright).toBeDefined();
    // every dark image (half of them) turns "bright" at severity 3 (+0.3)
    expect(bright!.value).toBeCloseTo(0.5, 1);
    expect(bright!.interval!.low).toBeGreaterThan(0);
    expect(bright!.interval!.method).toBe('newcombe-paired for accuracy_drop');
    expect(bright!.examples.every((row) => row % 2 === 0)).toBe(true);
    for (const f of r.findings) expect(f.interval!.low, f.id).toBeGreaterThan(0);
    const grid = r.sections![0]!.blocks.find((b) => b.kind === 'image-grid');
    expect(grid && grid.kind === 'image-grid' && grid.columns).toEqual(['original', 'corrupted']);
    const data = r.data as { settings: { severities: number[]; images: number } };
    expect(data.settings).toMatchObject({ severities: [3], images: 120 });
  });

  it('widens to the severities asked for and samples at most the images asked for', async () => {
    const c = await context(120, { options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8, corruptionSeverities: [1, 5], corruptionImages: 60 } });
    const r = await corruptionRobustnessDetector.run(c);
    const data = r.data as { settings: { severities: number[]; images: number }; corruptions: unknown[] };
    expect(data.settings.severities).toEqual([1, 5]);
    expect(data.settings.images).toBe(60);
    expect(data.corruptions).toHaveLength(30);
  });

  it('says why it does not apply', async () => {
    const c = await context(10);
    expect(corruptionRobustnessDetector.applies({ ...c, x: undefined, pipeline: {} as ScanContext['pipeline'] })).toMatch(/tabular/);
    expect(corruptionRobustnessDetector.applies({ ...c, labels: new Float64Array(10).fill(Number.NaN) })).toMatch(/no labels/);
    const scaled = { data: c.x!.data.map((v) => v * 255), shape: c.x!.shape };
    expect(corruptionRobustnessDetector.applies({ ...c, x: scaled })).toMatch(/\[0, 1\]/);
  });
});
