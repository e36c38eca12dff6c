import { inputKind, type InputKind } from '../../input-kind.js';
import { parseIntegerFlag } from '../../options.js';
import type { Explainer } from '../../../explain/explainer.js';
import { checkTargetIsLabelColumn, formatFlag, type ExplainFlags, type ExplainFormat } from './flags.js';
import type { ExplainJob, LoadJob } from './job.js';
import { checkMethodFlags, defaultMethod, findMethod, TABULAR_DEFAULTS, type ExplainMethod } from './methods.js';
import { renderExplanation } from './output.js';

/** The loader of each input kind, imported when used (images need sharp, text the text models). */
const LOADERS: Readonly<Record<InputKind, () => Promise<LoadJob>>> = {
  tabular: async () => (await import('./inputs/tabular.js')).loadTabularJob,
  image: async () => (await import('./inputs/image.js')).loadImageJob,
  text: async () => (await import('./inputs/text.js')).loadTextJob,
};

/**
 * `glassbox explain` end to end, one pipeline for every method and input: the input kind and the
 * method are resolved and every flag is checked before anything is loaded; the input loader returns
 * one job (subject, x, context, row ids); the method's explainer runs on it; output.ts prints it.
 */
export async function explain(flags: ExplainFlags, signal?: AbortSignal): Promise<string> {
  const format = formatFlag(flags);
  const heatmaps = parseIntegerFlag('--heatmaps', flags.heatmaps, 8);
  const kind = inputKind(flags);
  checkTargetIsLabelColumn(flags, kind);
  const given = flags.method === undefined ? undefined : findMethod(flags.method, kind, flags);
  const chosen = given || kind === 'tabular' ? undefined : defaultMethod(kind);
  const method: ExplainMethod | undefined = given ?? chosen?.method;
  checkMethodFlags(method ? [method] : TABULAR_DEFAULTS, kind, flags);
  // building the explainer first surfaces flag errors before any data is read
  const early = method ? await method.create(flags) : undefined;
  const job = await (await LOADERS[kind]())(flags, method, signal);
  try {
    return await runJob(chosen ? { ...job, methodChoice: chosen.reason } : job, { format, heatmaps }, early ?? (await job.method.create(flags)));
  } finally {
    await job.dispose();
  }
}

/** Runs a loaded job's explainer and prints the result. */
export async function runJob(job: ExplainJob, output: { format: ExplainFormat; heatmaps: number }, explainer: Explainer<never, never>): Promise<string> {
  const attribution = await explainer.explain(job.subject as never, job.x as never, job.context as never);
  return renderExplanation(output.format, job, attribution, { heatmaps: output.heatmaps, properties: explainer.properties });
}
