import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTable } from '../../data/image-table.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/load.js';
import type { OnnxGradModel } from '../../model/onnx-grad/adapter.js';
import { loadOnnxModel } from '../../model/onnx.js';
import { boundGraphFromOnnx, certifyRobustness } from '../../robust/certify/public.js';
import { referencePath, useReference } from '../../../test/support/reference.js';
import { scan } from '../scan.js';
import { certifiedFraction, CERTIFIED_SETTINGS } from './certified-fraction.js';

const present = useReference('certified-fraction detector', ['mnist/cnn.onnx', 'mnist/samples.json']);

describe.skipIf(!present)('certified-fraction detector', () => {
  let model: OnnxGradModel;
  const samples = present ? (JSON.parse(readFileSync(referencePath('mnist/samples.json'), 'utf8')) as { labels: number[]; pixels: number[][] }) : undefined;
  const n = 8;
  const x = { data: Float32Array.from(samples?.pixels.slice(0, n).flat() ?? []), shape: [n, 1, 28, 28] };
  const labels = Int32Array.from(samples?.labels.slice(0, n) ?? []);

  beforeAll(async () => {
    model = await loadOnnxGradModel(referencePath('mnist/cnn.onnx'));
  });
  afterAll(async () => model?.dispose());

  it('reports IBP and CROWN certified accuracy side by side, equal to certifying directly', async () => {
    const { table, schema } = imageTable(x, labels, model.classes, 'multiclass', 'samples');
    const results = await scan({ table, schema, model, x }, { detectors: [certifiedFraction], seed: 1 });
    const data = results.detectors['certified-fraction'] as { methods: { method: string; certifiedAccuracy: number }[]; settings: { epsilon: number } };
    const graph = boundGraphFromOnnx(readFileSync(referencePath('mnist/cnn.onnx')), [1, 28, 28]);
    for (const method of ['ibp', 'crown'] as const) {
      const direct = await certifyRobustness(graph, x, labels, { method, epsilon: CERTIFIED_SETTINGS.epsilon });
      expect(data.methods.find((m) => m.method === method)!.certifiedAccuracy).toBe(direct.certifiedAccuracy);
    }
    const overall = results.findings.find((f) => f.id === 'certified-fraction/overall')!;
    expect(overall.value).toBe(data.methods[1]!.certifiedAccuracy);
    expect(overall.interval!.low).toBeLessThanOrEqual(overall.value!);
    const section = results.sections.find((s) => s.id === 'certified-fraction')!;
    expect(JSON.stringify(section.blocks)).toContain('CROWN');
  }, 60_000);

  it('says why it does not apply: models without a readable graph, tabular models, images outside [0, 1]', async () => {
    const plain = await loadOnnxModel(referencePath('mnist/cnn.onnx'));
    const base = { x, labels: Float64Array.from(labels), text: undefined, pipeline: undefined };
    expect(certifiedFraction.applies({ ...base, model: plain } as never)).toMatch(/network whose layers can be read/);
    expect(certifiedFraction.applies({ ...base, model, pipeline: {} } as never)).toMatch(/tabular/);
    expect(certifiedFraction.applies({ ...base, model, x: { data: x.data.map((v) => v * 255), shape: x.shape } } as never)).toMatch(/outside \[0, 1\]/);
    expect(certifiedFraction.applies({ ...base, model } as never)).toBe(true);
    await plain.dispose?.();
  });
});
