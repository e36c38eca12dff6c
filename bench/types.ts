/** One line of a benchmark table: our figure beside the reference figure for the same work. */
export interface BenchResult {
  readonly name: string;
  /** Our time in seconds (median of the timed runs), or a throughput when `unit` says so. */
  readonly ours: number;
  readonly reference?: number;
  readonly unit: 's' | 'rows/s' | 's/row' | 'MB';
  /** Where the reference figure comes from (timings.json section, a live bare-engine run, …). */
  readonly referenceSource?: string;
  readonly note?: string;
}

/** Speed-up of ours over the reference: >1 means we are faster, whatever the unit. */
export function speedup(result: BenchResult): number | undefined {
  if (result.reference === undefined || result.reference === 0 || result.ours === 0) return undefined;
  return result.unit === 'rows/s' ? result.ours / result.reference : result.reference / result.ours;
}

/** Median wall time in seconds of `runs` calls after `warmup` untimed calls. */
export async function timeMedian(fn: () => Promise<unknown> | unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function printResults(title: string, results: readonly BenchResult[]): void {
  process.stdout.write(`\n## ${title}\n\n| workload | ours | reference | speed-up | source | note |\n|---|---|---|---|---|---|\n`);
  for (const r of results) {
    const ratio = speedup(r);
    const fmt = (v: number | undefined): string => (v === undefined ? '—' : `${Number(v.toPrecision(4))} ${r.unit}`);
    process.stdout.write(`| ${r.name} | ${fmt(r.ours)} | ${fmt(r.reference)} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}×`} | ${r.referenceSource ?? ''} | ${r.note ?? ''} |\n`);
  }
}
