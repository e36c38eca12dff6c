import { describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';

interface Side {
  n: number;
  accuracy: number;
  fprDifference: number | null;
  tprDifference: number | null;
  selectionRateDifference: number | null;
  intervals: Record<'accuracy' | 'fprDifference' | 'tprDifference' | 'selectionRateDifference', { low: number; high: number; level: number; method: string }>;
}
interface MitigateJson { version: number; method: string; seed: number; protected: string; before: Side; after: Side }

function checkSide(side: Side): void {
  for (const key of ['accuracy', 'fprDifference', 'tprDifference', 'selectionRateDifference'] as const) {
    const value = side[key]!;
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
    const interval = side.intervals[key];
    expect(interval.low).toBeLessThanOrEqual(value + 1e-12);
    expect(interval.high).toBeGreaterThanOrEqual(value - 1e-12);
    expect(interval.method.length).toBeGreaterThan(0);
  }
}

/** `glassbox mitigate` on the credit demo: the JSON shape, determinism and refusals of bad input. */
describe('glassbox mitigate', () => {
  it('--method threshold reports before/after on the same held-out rows, each number beside its interval; same seed, same bytes', async () => {
    const args = ['mitigate', '--demo', 'credit', '--method', 'threshold', '--protected', 'age_group', '--format', 'json', '--quiet'];
    const run = await runGlassbox(args);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as MitigateJson;
    expect(out.method).toBe('threshold');
    expect(out.protected).toBe('age_group');
    expect(out.before.n).toBe(out.after.n);
    checkSide(out.before);
    checkSide(out.after);
    // three age groups: max − min has the group-stratified bootstrap interval
    expect(out.before.intervals.fprDifference.method).toMatch(/stratified-bootstrap/);
    expect(out.before.intervals.accuracy.method).toBe('wilson');
    // equalized odds thresholds shrink the TPR gap on held-out rows
    expect(out.after.tprDifference!).toBeLessThan(out.before.tprDifference!);
    const again = await runGlassbox(args);
    expect(again.stdout).toBe(run.stdout);
  }, 60_000);

  it('refuses an unknown method, a missing --method and an unknown protected attribute with a specific error', async () => {
    const unknown = await runGlassbox(['mitigate', '--demo', 'credit', '--method', 'magic', '--protected', 'age_group']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--method "magic"/);
    expect(unknown.stderr).toMatch(/threshold/);
    const missing = await runGlassbox(['mitigate', '--demo', 'credit', '--protected', 'age_group']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing --method/);
    const column = await runGlassbox(['mitigate', '--demo', 'credit', '--method', 'threshold', '--protected', 'shoe_size', '--quiet']);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(/shoe_size/);
  }, 60_000);
});
