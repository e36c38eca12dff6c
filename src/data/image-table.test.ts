import { describe, expect, it } from 'vitest';
import { imageTable } from './image-table.js';

describe('imageTable', () => {
  const x = { data: Float32Array.from([0, 1, 0, 1, 0.5, 0.5, 0.5, 0.5]), shape: [2, 1, 2, 2] };

  it('holds each image’s mean and standard deviation, the labels as classes, and a schema naming them', () => {
    const { table, schema } = imageTable(x, Int32Array.from([1, 0]), ['cat', 'dog'], 'binary', 'x.npy');
    const column = (name: string) => table.columns.find((c) => c.name === name)!;
    const brightness = column('brightness');
    const contrast = column('contrast');
    expect(brightness.kind === 'numeric' && Array.from(brightness.values)).toEqual([0.5, 0.5]);
    expect(contrast.kind === 'numeric' && Array.from(contrast.values)).toEqual([0.5, 0]);
    const label = column('label');
    expect(label.kind === 'categorical' && [Array.from(label.codes), label.categories]).toEqual([[1, 0], ['cat', 'dog']]);
    expect(schema.target).toEqual({ name: 'label', task: 'binary', classes: ['cat', 'dog'] });
    expect(schema.metadata).toEqual(['brightness', 'contrast']);
  });

  it('rejects a label outside the model’s classes, naming the image', () => {
    expect(() => imageTable(x, Int32Array.from([0, -1]), ['cat', 'dog'], 'binary', 'images/')).toThrow(/image 1 has label -1/);
  });

  it('leaves the target out when there are no labels', () => {
    expect(imageTable(x, undefined, ['cat', 'dog'], 'binary', 'x.npy').schema.target).toBeUndefined();
  });
});
