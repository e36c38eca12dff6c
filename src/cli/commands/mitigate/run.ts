import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import { withInterrupt } from '../../interrupt.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import type { MitigateFlags, MitigationOutcome } from './method.js';
import { MITIGATION_METHODS, MITIGATION_METHOD_NAMES } from './methods.js';

/** `glassbox mitigate`: dispatches to the method named by --method and writes its before/after. */
export async function runMitigate(flags: MitigateFlags): Promise<void> {
  if (flags.method === undefined) throw new GlassboxError('invalid_argument', 'Missing --method: say how to mitigate.', { argument: '--method', hint: `Choose one of: ${MITIGATION_METHOD_NAMES.join(', ')}.` });
  const entry = MITIGATION_METHODS.find((m) => m.name === flags.method);
  if (!entry) throw new GlassboxError('invalid_argument', `--method "${flags.method}" is not a mitigation method.`, { argument: '--method', hint: `Choose one of: ${MITIGATION_METHOD_NAMES.join(', ')}.` });
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const method = await entry.load();
  const progress = createProgress({ quiet: flags.quiet === true });
  const outcome: MitigationOutcome = await withInterrupt(`glassbox mitigate --method ${entry.name}`, (signal) => method({ flags, seed, signal, progress }));
  try {
    progress.stop();
    if (flags.saveModel !== undefined) {
      if (!outcome.saveModel) throw new GlassboxError('invalid_argument', `--method ${entry.name} changes no model weights, so there is no model to save.`, { argument: '--save-model', hint: 'Drop --save-model (the threshold policy is in the JSON output).' });
      await outcome.saveModel(flags.saveModel);
    }
    const text = format === 'json'
      ? `${JSON.stringify({ version: 1, method: entry.name, seed, ...outcome.json, ...(flags.saveModel !== undefined ? { savedModel: flags.saveModel } : {}) }, null, 2)}\n`
      : await renderBlocks(format, `glassbox mitigate --method ${entry.name}`, outcome.blocks);
    if (flags.out !== undefined) await writeFileAtomic(flags.out, text);
    else process.stdout.write(text);
  } finally {
    await outcome.dispose?.();
  }
}
