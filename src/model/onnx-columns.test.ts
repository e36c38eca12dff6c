import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { columnPipelineOnnx, pipelineProbability, PIPELINE_COLORS } from '../../test/fixtures/onnx/column-pipeline.js';
import { caughtGlassboxError } from '../../test/support/errors.js';
import { loadOnnxModel } from './onnx.js';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'glassbox-onnx-columns-'));

/** age → Sigmoid, plus a string input nothing encodes. */
function unreadStringInput(): Uint8Array {
  const column = (name: string, elemType: number): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } });
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'g',
    input: [column('age', 1), column('note', 8)],
    output: [{ name: 'p', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } }],
    node: [{ opType: 'Sigmoid', input: ['age'], output: ['p'] }],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph })).finish();
}

describe('ONNX models that take raw columns', () => {
  it('reads each input as a column, the string one with the OneHotEncoder\'s categories, and feeds codes as those strings', async () => {
    const path = join(dir, 'pipeline.onnx');
    writeFileSync(path, columnPipelineOnnx());
    const model = await loadOnnxModel(path);
    try {
      expect(model.inputColumns).toEqual([{ name: 'age', kind: 'numeric' }, { name: 'color', kind: 'categorical', categories: [...PIPELINE_COLORS] }]);
      expect(model.inputSpec.shape).toEqual([null, 2]);
      // rows: age, colour code (NaN: missing → '' → zeros from the encoder)
      const p = await model.predict({ data: Float32Array.from([30, 2, 40, 1, 50, 0, 20, Number.NaN]), shape: [4, 2] });
      const want = [pipelineProbability(30, 'red'), pipelineProbability(40, 'green'), pipelineProbability(50, 'blue'), pipelineProbability(20, '')];
      want.forEach((w, i) => expect(p[2 * i + 1]).toBeCloseTo(w, 6));
    } finally {
      await model.dispose();
    }
  });

  it('refuses a string input no encoder in the graph lists categories for', async () => {
    const path = join(dir, 'unread.onnx');
    writeFileSync(path, unreadStringInput());
    const error = await caughtGlassboxError(() => loadOnnxModel(path));
    expect(error.code).toBe('unsupported_model');
    expect(error.message).toContain('string input "note" is read by no encoder that lists its categories');
  });
});
