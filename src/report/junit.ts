import type { ScanResults } from '../results/schema.js';
import { severityRank, type Severity } from '../results/finding.js';
import { escapeHtml } from './markdown-inline.js';

/**
 * JUnit XML for CI dashboards: one test case per detector. A finding at or above `failOn` is a
 * failure of its detector's case, exactly the findings that make `glassbox scan --fail-on` exit 1;
 * with `failOn` 'none' (the CLI default) nothing fails. Findings below the threshold are listed in
 * the case's `<system-out>`, so they stay visible without failing the build.
 */
export function renderJunit(results: ScanResults, failOn: Severity | 'none'): string {
  const fails = (severity: Severity): boolean => failOn !== 'none' && severityRank(severity) >= severityRank(failOn);
  let failed = 0;
  const cases = results.summary.detectors.map((detector) => {
    const own = results.findings.filter((f) => f.detector === detector.id);
    const failures = own.filter((f) => fails(f.severity));
    const below = own.filter((f) => !fails(f.severity));
    if (detector.status === 'ran' && failures.length > 0) failed++;
    const body =
      detector.status === 'skipped'
        ? `<skipped message="${escapeHtml(detector.reason ?? '')}"/>`
        : detector.status === 'failed'
          ? `<error message="${escapeHtml(detector.reason ?? 'failed')}"/>`
          : failures.map((f) => `<failure type="${f.severity}" message="${escapeHtml(f.title)}">${escapeHtml(f.summary)}</failure>`).join('') +
            (below.length > 0 ? `<system-out>${escapeHtml(below.map((f) => `[${f.severity}] ${f.title}`).join('\n'))}</system-out>` : '');
    return `  <testcase classname="glassbox.scan" name="${escapeHtml(detector.id)}">${body}</testcase>`;
  });
  const errors = results.summary.detectors.filter((d) => d.status === 'failed').length;
  const skipped = results.summary.detectors.filter((d) => d.status === 'skipped').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="glassbox scan" tests="${cases.length}" failures="${failed}" errors="${errors}" skipped="${skipped}">\n${cases.join('\n')}\n</testsuite>\n`;
}
