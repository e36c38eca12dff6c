import { describe, expect, it } from 'vitest';
import { inputToFeatureIndex } from './encoder.js';
import { functionEncoder } from './fn-encoder.js';

describe('functionEncoder', () => {
  const features = [
    { name: 'x', type: 'numeric' as const, width: 2 },
    { name: 'c', type: 'categorical' as const, categories: ['a', 'b'], width: 1 },
  ];

  it('lays out features from their widths and calls the function once for all rows', () => {
    let calls = 0;
    const enc = functionEncoder({
      features,
      encode(raw, out) {
        calls++;
        for (let i = 0; i < raw.nRows; i++) {
          const x = raw.data[i * 2]!;
          out[i * 3] = x;
          out[i * 3 + 1] = x * x;
          out[i * 3 + 2] = raw.data[i * 2 + 1]!;
        }
      },
    });
    expect(enc.outputWidth).toBe(3);
    expect(Array.from(inputToFeatureIndex(enc))).toEqual([0, 0, 1]);
    const out = enc.encode({ data: Float64Array.from([2, 1, 3, 0]), nRows: 2, nFeatures: 2 });
    expect(Array.from(out)).toEqual([2, 4, 1, 3, 9, 0]);
    expect(calls).toBe(1);
  });

  it('reports a non-finite output with its row and raw feature', () => {
    const enc = functionEncoder({ features, encode: (_raw, out) => void (out[4] = NaN) });
    expect(() => enc.encode({ data: new Float64Array(4), nRows: 2, nFeatures: 2 })).toThrow(/row 1, input column 1 \(feature "x"\)/);
  });

  it('rejects a bad width', () => {
    expect(() => functionEncoder({ features: [{ name: 'x', type: 'numeric', width: 0 }], encode: () => {} })).toThrow(/width 0/);
  });
});
