import { GlassboxError } from '../../../errors.js';
import { scan } from '../../../scan/scan.js';
import { severityRank } from '../../../results/finding.js';
import { writeRun } from '../../../scan/write-run.js';
import { checkOutputDir } from '../../../store/run-dir.js';
import { EXIT_CLEAN, EXIT_FINDINGS } from '../../exit-codes.js';
import { isImageData } from '../../input-kind.js';
import { loadInputs, type InputFlags, type LoadedInputs } from '../../load-inputs.js';
import { parseFailOn, parseIntegerFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { parseSeverities } from '../robustness/run.js';
import { loadScanCheckpoints, parseCompressionFlag } from './extras.js';

export interface ScanFlags extends InputFlags {
  out: string;
  seed?: string;
  failOn?: string;
  quiet?: boolean;
  json?: boolean;
  domain?: string;
  corruptionSeverities?: string;
  corruptionImages?: string;
  checkpoints?: string;
  compression?: string;
  defuseVae?: string;
}

/** `glassbox scan`: runs the detectors and writes report.html, results.json, findings.md and junit.xml. */
export async function runScan(flags: ScanFlags): Promise<void> {
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const failOn = parseFailOn(flags.failOn);
  await checkOutputDir(flags.out);
  const inputs = await loadScanInputs(flags, seed);
  if (flags.domain && !inputs.table.columns.some((c) => c.name === flags.domain)) {
    await inputs.model.dispose?.();
    throw new GlassboxError('invalid_argument', `--domain "${flags.domain}" is not a column of the audited data.`, { argument: '--domain', hint: `Columns: ${inputs.table.columns.map((c) => c.name).join(', ')}.` });
  }
  const compression = flags.compression ? parseCompressionFlag(flags.compression) : undefined;
  const checkpoints = flags.checkpoints ? await loadScanCheckpoints(flags.checkpoints, flags.demo) : undefined;
  const progress = createProgress({ quiet: Boolean(flags.quiet) || Boolean(flags.json) });
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const results = await scan(inputs, {
      seed,
      signal: abort.signal,
      command: commandLine(flags),
      ...(flags.domain ? { domain: flags.domain } : {}),
      ...(flags.corruptionSeverities ? { corruptionSeverities: parseSeverities(flags.corruptionSeverities) } : {}),
      ...(flags.corruptionImages ? { corruptionImages: parseIntegerFlag('--corruption-images', flags.corruptionImages, 500, 1) } : {}),
      ...(checkpoints ? { vogCheckpoints: checkpoints.models } : {}),
      ...(compression ? { compression } : {}),
      ...(flags.defuseVae ? { defuseVae: flags.defuseVae } : {}),
      onProgress: (p) => progress.update(p.index, p.total, p.detector),
    });
    progress.stop();
    const files = await writeRun(flags.out, results, { failOn, ...(inputs.groundTruth === undefined ? {} : { groundTruth: inputs.groundTruth }) });
    if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else if (!flags.quiet) printSummary(results, files.report);
    const failing = failOn !== 'none' && results.findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
    process.exitCode = failing ? EXIT_FINDINGS : EXIT_CLEAN;
  } catch (error) {
    progress.stop();
    if (abort.signal.aborted) throw new GlassboxError('cancelled', 'The scan was interrupted; nothing was written.');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
    await checkpoints?.dispose();
  }
}

/**
 * --demo, or --data with --model; with --data alone (tabular), glassbox trains a baseline GAM and audits
 * that, saying so at the top of the report.
 */
async function loadScanInputs(flags: ScanFlags, seed: number): Promise<LoadedInputs> {
  if (flags.model || flags.demo || !flags.data || isImageData(flags.data) || flags.textEncoder) return loadInputs(flags, { seed });
  if (flags.preprocess) throw new GlassboxError('invalid_argument', '--preprocess describes how data reaches a model; without --model, glassbox trains its own baseline on the raw columns.', { argument: '--preprocess', hint: 'Drop --preprocess, or give the model it belongs to with --model.' });
  const { loadTrainingData, trainBaselineModel } = await import('../../baseline-model.js');
  const data = await loadTrainingData(flags, 'scan');
  const progress = createProgress({ quiet: Boolean(flags.quiet) || Boolean(flags.json) });
  const baseline = trainBaselineModel(data, { seed, onProgress: (done, total) => progress.update(done, total, 'training the baseline GAM') });
  progress.stop();
  const inputs = await loadInputs({ ...flags, model: baseline.description }, { seed, model: baseline.model });
  process.stderr.write(`warning: ${baseline.warning.message}\n`);
  return { ...inputs, warnings: [baseline.warning, ...(inputs.warnings ?? [])] };
}

function commandLine(flags: ScanFlags): string {
  const parts = ['glassbox scan'];
  if (flags.demo) parts.push(`--demo ${flags.demo}`);
  if (flags.data) parts.push(`--data ${flags.data}`);
  if (flags.model) parts.push(`--model ${flags.model}`);
  if (flags.schema) parts.push(`--schema ${flags.schema}`);
  if (flags.preprocess) parts.push(`--preprocess ${flags.preprocess}`);
  if (flags.target ?? flags.label) parts.push(`--target ${flags.target ?? flags.label}`);
  if (flags.protected) parts.push(`--protected ${flags.protected}`);
  if (flags.domain) parts.push(`--domain ${flags.domain}`);
  if (flags.corruptionSeverities) parts.push(`--corruption-severities ${flags.corruptionSeverities}`);
  if (flags.corruptionImages) parts.push(`--corruption-images ${flags.corruptionImages}`);
  if (flags.checkpoints) parts.push(`--checkpoints ${flags.checkpoints}`);
  if (flags.compression) parts.push(`--compression ${flags.compression}`);
  if (flags.unknownCategory) parts.push(`--unknown-category ${flags.unknownCategory}`);
  if (flags.defuseVae) parts.push(`--defuse-vae ${flags.defuseVae}`);
  parts.push(`--seed ${flags.seed ?? 0}`);
  return parts.join(' ');
}

function printSummary(results: Awaited<ReturnType<typeof scan>>, reportPath: string): void {
  const lines = [`${results.summary.findings} findings on ${results.input.rows} rows (${Object.entries(results.summary.bySeverity).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'})`];
  for (const f of results.findings.slice(0, 15)) lines.push(`  [${f.severity}] ${f.title}`);
  if (results.findings.length > 15) lines.push(`  … and ${results.findings.length - 15} more`);
  lines.push(`report: ${reportPath}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
