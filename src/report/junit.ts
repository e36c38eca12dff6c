import type { ScanResults } from '../store/results-schema.js';
import { severityRank, type Severity } from '../scan/finding.js';
import { escapeHtml } from './markdown-inline.js';

/**
 * JUnit XML for CI dashboards: one test case per detector; each finding at or above `failOn`
 * becomes a failure of its detector's case.
 */
export function renderJunit(results: ScanResults, failOn: Severity): string {
  const cases = results.summary.detectors.map((detector) => {
    const failures = results.findings.filter((f) => f.detector === detector.id && severityRank(f.severity) >= severityRank(failOn));
    const body =
      detector.status === 'skipped'
        ? `<skipped message="${escapeHtml(detector.reason ?? '')}"/>`
        : detector.status === 'failed'
          ? `<error message="${escapeHtml(detector.reason ?? 'failed')}"/>`
          : failures.map((f) => `<failure type="${f.severity}" message="${escapeHtml(f.title)}">${escapeHtml(f.summary)}</failure>`).join('');
    return `  <testcase classname="glassbox.scan" name="${escapeHtml(detector.id)}">${body}</testcase>`;
  });
  const failed = results.summary.detectors.filter((d) => results.findings.some((f) => f.detector === d.id && severityRank(f.severity) >= severityRank(failOn))).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="glassbox scan" tests="${cases.length}" failures="${failed}">\n${cases.join('\n')}\n</testsuite>\n`;
}
