import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { syntheticContext } from '../../../test/support/synthetic-scan.js';
import { conformalCoverage } from './conformal-coverage.js';

/** Group "b" (30% of rows) is served worse: accuracy 0.7 against 0.95, at the same confidence. */
function context(seed: number, accuracyB: number) {
  const rng = new Rng(seed);
  const n = 3000;
  const group: string[] = [];
  const labels: number[] = [];
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next() < 0.3;
    const y = rng.next() < 0.5 ? 1 : 0;
    const right = rng.next() < (b ? accuracyB : 0.95);
    group.push(b ? 'b' : 'a');
    labels.push(y);
    predicted.push(right ? y : 1 - y);
    confidence.push(0.6 + 0.39 * rng.next());
  }
  return syntheticContext({ columns: [{ name: 'group', categories: ['a', 'b'], values: group }], labels, predicted, confidence, protectedColumns: ['group'], seed });
}

describe('conformal coverage per protected group', () => {
  it('reports the group whose coverage interval lies below 1 − α, and per-group calibration restores it', async () => {
    const result = await conformalCoverage.run(context(1, 0.7));
    expect(result.findings.map((f) => f.id)).toEqual(['conformal-coverage/group=b']);
    const f = result.findings[0]!;
    expect(f.interval!.high).toBeLessThan(0.9);
    expect(f.interval!.method).toMatch(/clopper-pearson/);
    expect(f.value).toBeLessThan(0.85);
    const fixed = f.evidence.perGroupCalibration as { coverage: number };
    expect(fixed.coverage).toBeGreaterThan(0.85);
    expect(f.examples.length).toBeGreaterThan(0);
    const data = result.data as { calibrationRows: number; evaluationRows: number };
    expect(data.calibrationRows + data.evaluationRows).toBe(3000);
    const blocks = result.sections!.flatMap((s) => s.blocks);
    expect(blocks.some((b) => b.kind === 'chart')).toBe(true);
    expect(JSON.stringify(blocks)).toMatch(/training rows are never used/);
  });

  it('reports nothing when both groups are served alike', async () => {
    const result = await conformalCoverage.run(context(2, 0.95));
    expect(result.findings).toEqual([]);
  });

  it('says why it does not apply', () => {
    const c = context(3, 0.9);
    expect(conformalCoverage.applies(c)).toBe(true);
    expect(conformalCoverage.applies({ ...c, schema: { ...c.schema, protected: [] } })).toMatch(/--protected/);
    expect(conformalCoverage.applies({ ...c, labels: c.labels.map(() => -1) })).toMatch(/no labels/);
    expect(conformalCoverage.applies({ ...c, model: { ...c.model, task: 'regression' } })).toMatch(/regression/);
    expect(conformalCoverage.applies({ ...c, outputs: c.outputs.map((p, i) => (i === 0 ? 2.5 : p)) })).toMatch(/not probabilities/);
  });
});
