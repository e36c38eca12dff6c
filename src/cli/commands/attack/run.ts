import { encodeNpy } from '../../../data/npy.js';
import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { curveBlocks, groupBlocks, groupRobustness, minEpsilonBlocks, minimalEpsilon, robustAccuracyCurve, runAttack, summaryBlock, type AttackOptions, type MinEpsilonResult, type RobustnessCurve } from '../../../robust/attacks/public.js';
import { parseChoice, parseIntegerFlag, parseList, parseNumberFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadAttackInputs, type AttackInputFlags, type AttackInputs } from './inputs.js';

export interface AttackFlags extends AttackInputFlags {
  method?: string;
  epsilon?: string;
  stepSize?: string;
  steps?: string;
  randomStart?: string;
  norm?: string;
  seed?: string;
  out?: string;
  format?: string;
  epsilons?: string;
  minEpsilon?: boolean;
  tolerance?: string;
  quiet?: boolean;
}

function parseBool(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new GlassboxError('invalid_argument', `${flag} must be true or false; got "${value}".`, { argument: flag, hint: `e.g. ${flag} false` });
}

/** Attack options from the flags, checked before any data is read. */
export function attackOptionsFromFlags(flags: AttackFlags): AttackOptions {
  const method = parseChoice('--method', flags.method, ['fgsm', 'pgd'] as const, 'pgd');
  const norm = parseChoice('--norm', flags.norm, ['linf', 'l2'] as const, 'linf');
  if (method === 'fgsm' && norm === 'l2') throw new GlassboxError('invalid_argument', 'FGSM is an L∞ attack; --norm l2 needs --method pgd.', { argument: '--norm', hint: 'Drop --norm or use --method pgd.' });
  const epsilon = parseNumberFlag('--epsilon', flags.epsilon, 0.1, 0);
  return {
    method,
    norm,
    epsilon,
    steps: parseIntegerFlag('--steps', flags.steps, 10, 1),
    ...(flags.stepSize !== undefined ? { stepSize: parseNumberFlag('--step-size', flags.stepSize, epsilon / 4, 0) } : {}),
    randomStart: parseBool('--random-start', flags.randomStart, true),
    seed: parseIntegerFlag('--seed', flags.seed, 0),
  };
}

function epsilonList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  return parseList(value).map((v) => parseNumberFlag('--epsilons', v, 0.1, 0));
}

const list = (a: ArrayLike<number>): number[] => Array.from(a);

/** The JSON result: per-row predictions before/after with rowIds, accuracies, settings and seed. */
function resultJson(inputs: AttackInputs, result: Awaited<ReturnType<typeof runAttack>>, extras: { curve?: RobustnessCurve; minEps?: MinEpsilonResult; out?: string; engine?: string }): Record<string, unknown> {
  const groups = groupRobustness(inputs.labels, result.predictionsBefore, result.predictionsAfter, inputs.groupings);
  return {
    model: inputs.describe.model,
    data: inputs.describe.data,
    classes: inputs.model.classes,
    rowIds: list(inputs.rowIds),
    labels: list(inputs.labels),
    predictionsBefore: list(result.predictionsBefore),
    predictionsAfter: list(result.predictionsAfter),
    accuracyBefore: result.accuracyBefore,
    accuracyAfter: result.accuracyAfter,
    flipped: result.flipped,
    maxPerturbation: result.maxPerturbation,
    settings: { ...result.settings, bounds: inputs.boundsNote, ...(inputs.clip ? { clip: inputs.clip } : {}) },
    seed: result.settings.seed,
    ...(extras.engine ? { gradientEngine: extras.engine } : {}),
    groups,
    ...(extras.curve ? { curve: { settings: extras.curve.settings, points: extras.curve.points } } : {}),
    ...(extras.minEps
      ? { minEpsilon: { method: 'bisection', maxEpsilon: extras.minEps.maxEpsilon, tolerance: extras.minEps.tolerance, rounds: extras.minEps.rounds, settings: extras.minEps.settings, values: Array.from(extras.minEps.minEpsilon, (v) => (Number.isNaN(v) ? null : v)) } }
      : {}),
    ...(extras.out ? { out: extras.out, outShape: result.shape } : {}),
  };
}

/** `glassbox attack`: see index.ts. */
export async function runAttackCommand(flags: AttackFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const options = attackOptionsFromFlags(flags);
  const epsilons = epsilonList(flags.epsilons);
  const tolerance = flags.tolerance !== undefined ? parseNumberFlag('--tolerance', flags.tolerance, options.epsilon / 256, Number.MIN_VALUE) : undefined;
  if (flags.out !== undefined && !flags.out.endsWith('.npy')) throw new GlassboxError('invalid_argument', `--out ${flags.out}: the adversarial inputs are written as .npy.`, { argument: '--out', hint: 'e.g. --out adv.npy' });
  const inputs = await loadAttackInputs(flags, options.seed ?? 0);
  const progress = createProgress({ quiet: flags.quiet === true });
  try {
    const context = { bounds: inputs.bounds, onProgress: (done: number, total: number) => progress.update(done, total, 'gradient passes') };
    const result = await runAttack(inputs.model, inputs.x, inputs.labels, options, context);
    if (flags.out) await writeFileAtomic(flags.out, encodeNpy(result.adversarial, result.shape));
    const curve = epsilons ? await robustAccuracyCurve(inputs.model, inputs.x, inputs.labels, epsilons, options, context) : undefined;
    const minEps = flags.minEpsilon ? await minimalEpsilon(inputs.model, inputs.x, inputs.labels, { ...options, ...(tolerance ? { tolerance } : {}) }, { bounds: inputs.bounds, onProgress: (d, t) => progress.update(d, t, 'bisection rounds') }) : undefined;
    progress.stop();
    const engine = (inputs.model as { gradientEngine?: string }).gradientEngine;
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(resultJson(inputs, result, { ...(curve ? { curve } : {}), ...(minEps ? { minEps } : {}), ...(flags.out ? { out: flags.out } : {}), ...(engine ? { engine } : {}) }))}\n`);
      return;
    }
    const blocks: ReportBlock[] = [summaryBlock(result.settings, inputs.labels.length, result.accuracyBefore, result.accuracyAfter, result.flipped)];
    blocks.push({ kind: 'text', markdown: `Bounds: ${inputs.boundsNote}. Largest perturbation: ${result.maxPerturbation.toPrecision(4)} (${result.settings.norm === 'linf' ? 'L∞' : 'L2'}).` });
    blocks.push(...groupBlocks(groupRobustness(inputs.labels, result.predictionsBefore, result.predictionsAfter, inputs.groupings)));
    if (curve) blocks.push(...curveBlocks(curve));
    if (minEps) blocks.push(...minEpsilonBlocks(minEps));
    if (format === 'html' && !inputs.tabular) {
      const { adversarialImageGrid, spreadAcrossClasses } = await import('../../../scan/adversarial-images.js');
      const flipped = [...inputs.labels.keys()].filter((i) => result.predictionsBefore[i] === inputs.labels[i] && result.predictionsAfter[i] !== inputs.labels[i]);
      const flippedRows = spreadAcrossClasses(flipped, inputs.labels, 12);
      const classes = inputs.model.classes;
      const grid = await adversarialImageGrid(inputs.x, result.adversarial, flippedRows.map((i) => ({ index: i, title: `row ${inputs.rowIds[i]} · label ${classes[inputs.labels[i]!]} → ${classes[result.predictionsAfter[i]!]}` })), 'Flipped examples: original, adversarial, and the perturbation (red raised, blue lowered)');
      if (grid) blocks.push(grid);
    }
    process.stdout.write(await renderBlocks(format, 'glassbox attack', blocks));
  } finally {
    progress.stop();
    await inputs.model.dispose?.();
  }
}
