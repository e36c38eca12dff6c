import { describe, expect, it } from 'vitest';
import { OutputTransform, resolveTask, softmaxRows } from './output-transform.js';

function apply(transform: OutputTransform, raw: number[], nRows: number): number[] {
  const out = new Float32Array(nRows * transform.outputWidth);
  transform.write(Float32Array.from(raw), nRows, out, 0);
  return Array.from(out);
}

describe('OutputTransform', () => {
  it('auto: rows that are non-negative and sum to 1 within 1e-4 are probabilities, kept as is', () => {
    const t = new OutputTransform({ task: 'multiclass', rawWidth: 3, kind: 'auto', source: 'm' });
    const raw = [0.2, 0.3, 0.50005, 0, 1, 0];
    expect(apply(t, raw, 2)).toEqual(raw.map(Math.fround));
    expect(t.kind).toBe('probabilities');
  });

  it('auto: a sum off by more than 1e-4 or a negative value means logits (softmax)', () => {
    const off = new OutputTransform({ task: 'multiclass', rawWidth: 2, kind: 'auto', source: 'm' });
    const p = apply(off, [0.5, 0.5002], 1);
    expect(off.kind).toBe('logits');
    expect(p[0]! + p[1]!).toBeCloseTo(1, 7);
    const negative = new OutputTransform({ task: 'binary', rawWidth: 2, kind: 'auto', source: 'm' });
    apply(negative, [1.5, -0.5], 1);
    expect(negative.kind).toBe('logits');
  });

  it('softmax is shift-invariant, sums to 1 and survives large logits', () => {
    const a = Float32Array.from([1, 2, 3, 1001, 1002, 1003]);
    softmaxRows(a, 0, 2, 3);
    for (let c = 0; c < 3; c++) expect(a[c]).toBeCloseTo(a[3 + c]!, 7);
    expect(a[0]! + a[1]! + a[2]!).toBeCloseTo(1, 6);
    expect(a[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 7);
  });

  it('one binary column: [1 - p, p]; sigmoid for logits, also when auto sees a value outside [0, 1]', () => {
    const probs = new OutputTransform({ task: 'binary', rawWidth: 1, kind: 'probabilities', source: 'm' });
    expect(apply(probs, [0.25], 1)).toEqual([0.75, 0.25]);
    const auto = new OutputTransform({ task: 'binary', rawWidth: 1, kind: 'auto', source: 'm' });
    const p = apply(auto, [0, 2], 2);
    expect(auto.kind).toBe('logits');
    expect(p[1]).toBe(0.5);
    expect(p[3]).toBeCloseTo(1 / (1 + Math.exp(-2)), 7);
  });

  it('regression values pass unchanged, whatever their range', () => {
    const t = new OutputTransform({ task: 'regression', rawWidth: 1, kind: 'auto', source: 'm' });
    expect(apply(t, [-3, 250], 2)).toEqual([-3, 250]);
    expect(t.kind).toBeUndefined();
  });

  it('rejects impossible widths', () => {
    expect(() => new OutputTransform({ task: 'regression', rawWidth: 2, kind: 'auto', source: 'm' })).toThrow(/regression model must output one column/);
    expect(() => new OutputTransform({ task: 'multiclass', rawWidth: 1, kind: 'auto', source: 'm' })).toThrow(/multiclass/);
  });
});

describe('resolveTask', () => {
  it('infers binary/multiclass from the width or the classes and checks them against each other', () => {
    expect(resolveTask({}, 1, 'm')).toEqual({ task: 'binary', classes: ['0', '1'] });
    expect(resolveTask({}, 3, 'm')).toEqual({ task: 'multiclass', classes: ['0', '1', '2'] });
    expect(resolveTask({ classes: ['a', 'b', 'c'] }, undefined, 'm').task).toBe('multiclass');
    expect(resolveTask({ task: 'regression' }, 1, 'm')).toEqual({ task: 'regression', classes: [] });
    expect(() => resolveTask({ classes: ['a', 'a'] }, 2, 'm')).toThrow(/duplicates/);
    expect(() => resolveTask({ classes: ['a', 'b', 'c'] }, 4, 'm')).toThrow(/3 classes were given but the model outputs 4 columns/);
  });
});
