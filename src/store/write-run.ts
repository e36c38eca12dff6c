import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GlassboxError } from '../errors.js';
import { renderFindingsMarkdown } from '../report/findings-markdown.js';
import { renderHtmlReport } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import type { Severity } from '../scan/finding.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ScanResults } from './results-schema.js';

export interface RunFiles {
  readonly results: string;
  readonly report: string;
  readonly findings: string;
  readonly junit: string;
}

/** Refuses an output path that exists and is not a folder, before any work starts. */
export async function checkOutputDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new GlassboxError('invalid_argument', `--out ${dir} exists and is not a folder.`, { argument: '--out', hint: 'Name a new or existing folder for the scan outputs.' });
  }
}

export interface WriteRunOptions {
  /** Findings at or above this severity are junit.xml failures (as `glassbox scan --fail-on`); default 'none'. */
  readonly failOn?: Severity | 'none';
  readonly groundTruth?: unknown;
}

/**
 * Writes a scan's outputs into `dir`: results.json, report.html, findings.md and junit.xml (and, for
 * built-in demos, ground-truth.json), each atomically. Other files in the folder are left alone.
 */
export async function writeRun(dir: string, results: ScanResults, options: WriteRunOptions = {}): Promise<RunFiles> {
  await checkOutputDir(dir);
  const html = await renderHtmlReport(results);
  await mkdir(dir, { recursive: true });
  const files: RunFiles = {
    results: join(dir, 'results.json'),
    report: join(dir, 'report.html'),
    findings: join(dir, 'findings.md'),
    junit: join(dir, 'junit.xml'),
  };
  await writeFileAtomic(files.results, `${JSON.stringify(results, null, 2)}\n`);
  await writeFileAtomic(files.report, html);
  await writeFileAtomic(files.findings, renderFindingsMarkdown(results));
  await writeFileAtomic(files.junit, renderJunit(results, options.failOn ?? 'none'));
  if (options.groundTruth !== undefined) await writeFileAtomic(join(dir, 'ground-truth.json'), `${JSON.stringify(options.groundTruth, null, 2)}\n`);
  return files;
}
