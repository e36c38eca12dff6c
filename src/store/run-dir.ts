import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GlassboxError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ScanResults } from '../results/schema.js';

/** Paths of the files a run folder holds. */
export interface RunFiles {
  readonly results: string;
  readonly report: string;
  readonly findings: string;
  readonly junit: string;
}

/** The run's renderings, made by the report layer; the store only writes them. */
export interface RenderedRun {
  readonly reportHtml: string;
  readonly findingsMarkdown: string;
  readonly junitXml: string;
}

/** Refuses an output path that exists and is not a folder, before any work starts. */
export async function checkOutputDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new GlassboxError('invalid_argument', `--out ${dir} exists and is not a folder.`, { argument: '--out', hint: 'Name a new or existing folder for the scan outputs.' });
  }
}

/**
 * Writes a run folder: results.json from the results, report.html, findings.md and junit.xml from
 * their renderings (and, for built-in demos, ground-truth.json), each atomically (temp file +
 * rename). Other files in the folder are left alone.
 */
export async function writeRunDir(dir: string, results: ScanResults, rendered: RenderedRun, groundTruth?: unknown): Promise<RunFiles> {
  await checkOutputDir(dir);
  await mkdir(dir, { recursive: true });
  const files: RunFiles = {
    results: join(dir, 'results.json'),
    report: join(dir, 'report.html'),
    findings: join(dir, 'findings.md'),
    junit: join(dir, 'junit.xml'),
  };
  await writeFileAtomic(files.results, `${JSON.stringify(results, null, 2)}\n`);
  await writeFileAtomic(files.report, rendered.reportHtml);
  await writeFileAtomic(files.findings, rendered.findingsMarkdown);
  await writeFileAtomic(files.junit, rendered.junitXml);
  if (groundTruth !== undefined) await writeFileAtomic(join(dir, 'ground-truth.json'), `${JSON.stringify(groundTruth, null, 2)}\n`);
  return files;
}
