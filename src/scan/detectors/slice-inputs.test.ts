import { describe, expect, it } from 'vitest';
import type { Column } from '../../data/table.js';
import type { ScanContext } from '../detector.js';
import { plantedData } from '../../../test/support/planted-slices.js';
import { sliceInputs } from './weak-slices.js';

describe('scan slice detectors never slice on outcome columns', () => {
  it('drops a schema feature that copies the label or the predictions, and says so', () => {
    const data = plantedData({ seed: 3, rows: 2000, baseError: 0.1, lift: [0.3, 0.3], plants: ['and2'] });
    const n = data.table.nRows;
    const outputs = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      outputs[i * 2 + 1] = data.scores[i]!;
      outputs[i * 2] = 1 - data.scores[i]!;
    }
    const decisions = Float64Array.from(data.scores, (s) => (s >= 0.5 ? 1 : 0));
    // A data file that carries a recoded label and an earlier run's predicted class beside the features.
    const extra: Column[] = [
      { kind: 'categorical', name: 'outcome', codes: Int32Array.from(data.labels, (y) => 1 - y), categories: ['good', 'bad'] },
      { kind: 'numeric', name: 'prediction', values: decisions },
    ];
    const table = { ...data.table, columns: [...data.table.columns, ...extra] };
    const features = [...data.features, 'outcome', 'prediction'].map((name) => ({ name, type: name.startsWith('c') || name === 'outcome' ? 'categorical' as const : 'numeric' as const }));
    const context = {
      table,
      schema: { features, target: { name: 'label', task: 'binary', classes: ['0', '1'], positiveClass: '1' } },
      model: { task: 'binary', outputWidth: 2 },
      outputs,
      labels: Float64Array.from(data.labels),
    } as unknown as ScanContext;
    const inputs = sliceInputs(context);
    expect(inputs.excluded.map((e) => e.column).sort()).toEqual(['outcome', 'prediction']);
    expect(inputs.columns).toEqual(data.features);
  });
});
