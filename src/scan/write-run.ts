import { renderFindingsMarkdown } from '../report/findings-markdown.js';
import { renderHtmlReport } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import type { Severity } from '../results/finding.js';
import type { ScanResults } from '../results/schema.js';
import { checkOutputDir, writeRunDir, type RunFiles } from '../store/run-dir.js';

export interface WriteRunOptions {
  /** Findings at or above this severity are junit.xml failures (as `glassbox scan --fail-on`); default 'none'. */
  readonly failOn?: Severity | 'none';
  readonly groundTruth?: unknown;
}

/**
 * Writes a scan's outputs into `dir`: results.json, report.html, findings.md and junit.xml (and, for
 * built-in demos, ground-truth.json), each atomically. The report layer renders, the store writes;
 * this is the one place that joins them.
 */
export async function writeRun(dir: string, results: ScanResults, options: WriteRunOptions = {}): Promise<RunFiles> {
  await checkOutputDir(dir);
  const rendered = {
    reportHtml: await renderHtmlReport(results),
    findingsMarkdown: renderFindingsMarkdown(results),
    junitXml: renderJunit(results, options.failOn ?? 'none'),
  };
  return writeRunDir(dir, results, rendered, options.groundTruth);
}
