import { findColumn } from '../../data/table.js';
import type { Finding, Severity } from '../../results/finding.js';
import { domainBenchmark } from '../../robust/drift/domain-benchmark.js';
import { assignDomains, type DomainAssignment } from '../../robust/drift/domains.js';
import { domainBenchmarkBlocks } from '../../robust/drift/report-blocks.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Equal-count periods for a numeric domain column with many distinct values. */
const NUMERIC_PERIODS = 4;

const domainColumn = (c: ScanContext): string | undefined => (typeof c.options.domain === 'string' ? c.options.domain : undefined);

/**
 * Worst-domain accuracy (WILDS-style) over the domains of the column named by `glassbox scan --domain COL`:
 * accuracy per domain with Wilson intervals, and a finding when the worst domain's gap to the pooled
 * accuracy has an interval above 0 (Newcombe's interval for rest − worst, scaled by the rest's share of rows).
 * A numeric column with more than 20 values is cut into 4 equal-count periods.
 */
export const worstDomain: Detector = {
  id: 'worst-domain',
  title: 'Worst-domain accuracy',
  category: 'robustness',
  applies: (c) => {
    const column = domainColumn(c);
    if (!column) return 'no domain column declared (glassbox scan --domain COLUMN, e.g. region, device or a date)';
    if (!findColumn(c.table, column)) return `--domain "${column}" is not a column of the audited data`;
    if (c.model.task === 'regression') return 'regression task: accuracy per domain needs classes';
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  run: (c) => runWorstDomain(c),
};

function domainsOf(c: ScanContext, column: string): DomainAssignment {
  try {
    return assignDomains(c.table, column);
  } catch {
    return assignDomains(c.table, column, { periods: NUMERIC_PERIODS });
  }
}

async function runWorstDomain(c: ScanContext): Promise<DetectorResult> {
  const column = domainColumn(c)!;
  const domains = domainsOf(c, column);
  const width = c.model.outputWidth;
  const predicted = predictedClasses(c.outputs, width, c.model.task);
  const correct = Int8Array.from(c.labels, (label, i) => (label < 0 || Number.isNaN(label) ? -1 : predicted[i] === label ? 1 : 0));
  const bench = domainBenchmark(domains, correct, { level: c.options.confidence });
  const findings: Finding[] = [];
  const rows: Record<string, Uint8Array> = {};
  if (bench.worst && bench.gapToPooled && bench.gapToPooled.interval.low > 0) {
    const code = domains.labels.indexOf(bench.worst.domain);
    const id = `worst-domain/${column}=${bench.worst.domain}`;
    rows[id] = Uint8Array.from(domains.codes, (d) => (d === code ? 1 : 0));
    const examples: number[] = [];
    for (let i = 0; i < c.table.nRows && examples.length < 10; i++) if (domains.codes[i] === code && correct[i] === 0) examples.push(c.table.rowIds[i]!);
    const gap = bench.gapToPooled;
    findings.push({
      id,
      detector: 'worst-domain',
      severity: severityOf(gap.value),
      title: `Accuracy is lowest on ${column} = ${bench.worst.domain}`,
      summary: `Accuracy ${bench.worst.accuracy!.toFixed(3)} (Wilson ${bench.worst.interval.low.toFixed(3)}–${bench.worst.interval.high.toFixed(3)}, n = ${bench.worst.n}) against ${bench.pooled.accuracy!.toFixed(3)} pooled: a gap of ${gap.value.toFixed(3)} (${gap.interval.low.toFixed(3)}–${gap.interval.high.toFixed(3)}) over ${bench.domains.filter((d) => d.ranked).length} domains of ${column} (${domains.how}).`,
      metric: 'accuracy',
      value: bench.worst.accuracy!,
      baseline: bench.pooled.accuracy!,
      interval: { low: bench.worst.interval.low, high: bench.worst.interval.high, level: bench.worst.interval.level, method: 'wilson for accuracy' },
      ...(domains.how === 'categories as they are' ? { slice: [{ feature: column, op: '==' as const, value: bench.worst.domain }] } : {}),
      examples,
      evidence: { domain: bench.worst.domain, n: bench.worst.n, correct: bench.worst.correct, pooledN: bench.pooled.n, gapToPooled: gap.value, gapInterval: gap.interval, worstVsRest: bench.worstVsRest, domains: bench.domains.length, how: domains.how, minDomainSize: bench.minDomainSize },
      suggestion: `Collect or weight more training data from ${column} = ${bench.worst.domain}, and report accuracy per ${column} rather than pooled; the worst of several domains is chosen after the fact, so confirm the gap on fresh data.`,
      reproduce: reproduceCommand(c),
    });
  }
  return {
    findings,
    rows,
    sections: [{ id: 'worst-domain', title: `Worst-domain accuracy by ${column}`, blocks: domainBenchmarkBlocks(bench) }],
    data: bench,
  };
}

function severityOf(gap: number): Severity {
  return gap >= 0.1 ? 'high' : gap >= 0.05 ? 'medium' : 'low';
}
