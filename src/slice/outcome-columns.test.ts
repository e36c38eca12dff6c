import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Column, Table } from '../data/table.js';
import { discoverSlices } from './discover.js';
import { errorTree } from './error-tree.js';
import { excludeOutcomeColumns, refuseOutcomeColumns } from './outcome-columns.js';
import { plantedData } from '../../test/support/planted-slices.js';

/** A table with the outcome columns a user's file often carries next to the features. */
function withDerivedColumns(seed: number): { table: Table; labels: Int32Array; decisions: Int32Array; scores: Float64Array; errors: Float64Array } {
  const data = plantedData({ seed, rows: 3000, baseError: 0.1, lift: [0.3, 0.3], plants: ['and2', 'range'] });
  const n = data.table.nRows;
  const decisions = Int32Array.from(data.scores, (s) => (s >= 0.5 ? 1 : 0));
  const rng = new Rng(seed + 1);
  const extra: Column[] = [
    { kind: 'categorical', name: 'label_text', codes: Int32Array.from(data.labels), categories: ['no', 'yes'] },
    { kind: 'numeric', name: 'predicted', values: Float64Array.from(decisions) },
    { kind: 'numeric', name: 'is_error', values: Float64Array.from(data.errors) },
    { kind: 'categorical', name: 'cell', codes: Int32Array.from({ length: n }, (_, i) => data.labels[i]! * 2 + decisions[i]!), categories: ['TN', 'FP', 'FN', 'TP'] },
    { kind: 'numeric', name: 'logit', values: Float64Array.from(data.scores, (s) => Math.log((s + 1e-6) / (1 - s + 1e-6))) },
    { kind: 'numeric', name: 'score_pct', values: Float64Array.from(data.scores, (s) => Math.round(100 * (1 - s))) },
    { kind: 'categorical', name: 'risk_band', codes: Int32Array.from(data.scores, (s) => (s < 0.3 ? 2 : s < 0.7 ? 0 : 1)), categories: ['mid', 'high', 'low'] },
    // Correlated with the score but not a function of it: a real input.
    { kind: 'numeric', name: 'noisy_score', values: Float64Array.from(data.scores, (s) => s + 0.2 * rng.normal()) },
  ];
  return { table: { ...data.table, columns: [...data.table.columns, ...extra] }, labels: data.labels, decisions, scores: data.scores, errors: data.errors };
}

describe('outcome columns are never slice features', () => {
  it('recognises the named columns and columns derived from label, predictions, score or errors', () => {
    const { table, labels, decisions, scores, errors } = withDerivedColumns(1);
    const names = table.columns.map((c) => c.name);
    const { kept, excluded } = excludeOutcomeColumns(table, names, { label: 'label', predictions: 'score', labels, decisions, scores, errors });
    expect(excluded.map((e) => e.column).sort()).toEqual(['cell', 'is_error', 'label', 'label_text', 'logit', 'predicted', 'risk_band', 'score', 'score_pct']);
    expect(kept).toContain('noisy_score');
    for (const name of ['c0', 'c1', 'c2', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5']) expect(kept).toContain(name);
    expect(excluded.find((e) => e.column === 'score')!.reason).toBe('the predictions column');
    expect(() => refuseOutcomeColumns(excluded.slice(0, 1), '--features')).toThrow(/--features names "score", which is the predictions column/);
  });

  it('a column the user vouches for (keepDerived) stays, but a role column never does', () => {
    const { table, labels, decisions, scores, errors } = withDerivedColumns(1);
    const names = table.columns.map((c) => c.name);
    const { kept, excluded } = excludeOutcomeColumns(table, names, { label: 'label', predictions: 'score', labels, decisions, scores, errors, keepDerived: ['risk_band', 'label'] });
    expect(kept).toContain('risk_band');
    expect(excluded.map((e) => e.column)).toContain('label');
    expect(excluded.map((e) => e.column)).toContain('score_pct');
  });

  it('discoverSlices never puts the predictions column in a slice (it did: "score >= 0.43")', () => {
    const data = plantedData({ seed: 1, rows: 20000, baseError: 0.1, lift: [0.25, 0.4], plants: ['and2', 'and3', 'range', 'and2num'] });
    const columns = [...data.features, 'score'];
    const discovery = discoverSlices(data.table, columns, data.errors, { maxOrder: 2, outcomes: { predictions: 'score', label: 'label' } });
    expect(discovery.excluded).toEqual([{ column: 'score', reason: 'the predictions column' }]);
    expect(discovery.features.map((f) => f.name)).not.toContain('score');
    expect(discovery.slices.length).toBeGreaterThan(0);
    for (const s of discovery.slices) for (const p of s.predicates) expect(p.feature).not.toBe('score');
  });

  it('an error flag is dropped even when the caller names nothing; the error tree never splits on outcome columns', () => {
    const { table, labels, decisions, errors } = withDerivedColumns(2);
    const columns = ['c0', 'c1', 'x0', 'x1', 'is_error', 'label_text'];
    const discovery = discoverSlices(table, columns, errors, { maxOrder: 1 });
    expect(discovery.excluded.map((e) => e.column)).toEqual(['is_error']);
    const tree = errorTree(table, columns, errors, { outcomes: { labels, decisions } });
    const used = new Set(tree.flatMap((node) => node.predicates.map((p) => p.feature)));
    expect(used.has('is_error')).toBe(false);
    expect(used.has('label_text')).toBe(false);
    expect(used.size).toBeGreaterThan(0);
  });
});
