import { GlassboxError } from '../errors.js';
import type { Tensor } from '../model/tensor.js';
import type { Schema } from './schema.js';
import type { Column, Table } from './table.js';

/**
 * The table that stands beside a batch of images in a scan: a row id, the label (when known) and two
 * per-image statistics that slice discovery can split on — mean intensity (`brightness`) and its
 * standard deviation (`contrast`) — so that "the model fails on dark, low-contrast images" is findable.
 * Labels are model output columns (−1 = unknown, which is an error: the scan needs every label).
 */
export function imageTable(x: Tensor, labels: Int32Array | undefined, classes: readonly string[], task: 'binary' | 'multiclass', source: string): { table: Table; schema: Schema } {
  const n = x.shape[0] ?? 0;
  const size = x.data.length / Math.max(1, n);
  const brightness = new Float64Array(n);
  const contrast = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    let sq = 0;
    for (let k = r * size; k < (r + 1) * size; k++) {
      const v = x.data[k]!;
      sum += v;
      sq += v * v;
    }
    brightness[r] = sum / size;
    contrast[r] = Math.sqrt(Math.max(0, sq / size - brightness[r]! ** 2));
  }
  const rowIds = Int32Array.from({ length: n }, (_, i) => i);
  const columns: Column[] = [
    { kind: 'numeric', name: 'image_id', values: Float64Array.from(rowIds) },
    { kind: 'numeric', name: 'brightness', values: brightness },
    { kind: 'numeric', name: 'contrast', values: contrast },
  ];
  if (labels) {
    const unknown = labels.findIndex((l) => l < 0 || l >= classes.length);
    if (unknown >= 0) {
      throw new GlassboxError('invalid_input', `${source}: image ${unknown} has label ${labels[unknown]}, which is not one of the model's ${classes.length} classes (${classes.slice(0, 12).join(', ')}).`, {
        file: source,
        row: unknown,
        hint: 'Name each subfolder like one of the model classes (or its output index), or give --labels with class indices.',
      });
    }
    columns.push({ kind: 'categorical', name: 'label', codes: labels, categories: [...classes] });
  }
  const schema: Schema = {
    features: [{ name: 'image', type: 'image' }],
    ...(labels ? { target: { name: 'label', task, classes: [...classes] } } : {}),
    metadata: ['brightness', 'contrast'],
    rowId: 'image_id',
  };
  return { table: { nRows: n, columns, rowIds, source }, schema };
}
