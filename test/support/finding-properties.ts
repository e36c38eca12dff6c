import type { ScanResults } from '../../src/results/schema.js';

type Reported = Pick<ScanResults['findings'][number], 'id' | 'metric' | 'value' | 'interval'>;

/**
 * Every interval a scan reports belongs to the value beside it: low ≤ value ≤ high, and its method
 * names what it is an interval for (`<technique> for <metric>`). Checks top-level findings and the ones
 * folded into them. Returns one line per violation (empty when all hold).
 */
export function intervalViolations(results: ScanResults): string[] {
  const all: Reported[] = results.findings.flatMap((f) => [f, ...(f.related ?? [])]);
  const problems: string[] = [];
  for (const f of all) {
    if (!f.interval) continue;
    const { low, high, method } = f.interval;
    if (f.value === null || !(low <= f.value + 1e-12 && f.value - 1e-12 <= high)) problems.push(`${f.id}: ${f.metric} ${f.value} outside [${low}, ${high}] (${method})`);
    if (!method.includes(` for ${f.metric}`)) problems.push(`${f.id}: interval method "${method}" does not say it is for ${f.metric}`);
  }
  return problems;
}

/** Findings about the same rows, or about exactly the complementary rows, reported side by side. */
export function duplicateSlices(results: ScanResults): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const f of results.findings) {
    if (!f.slice?.length || f.detector === 'disparity') continue;
    const key = JSON.stringify(f.slice);
    if (seen.has(key)) out.push(`${f.id} repeats ${seen.get(key)}`);
    seen.set(key, f.id);
  }
  return out;
}
