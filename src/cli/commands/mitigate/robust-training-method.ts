import { GlassboxError } from '../../../errors.js';
import { adversarialTraining, resolveAdversarialSettings, type AdversarialMethod, type AdversarialTrainingOptions } from '../../../robust/adversarial-training/public.js';
import { parseChoice, parseIntegerFlag, parseNumberFlag } from '../../options.js';
import type { MitigateFlags, MitigationContext, MitigationMethod, MitigationOutcome } from './method.js';
import { loadRobustTrainingInputs } from './robust-training-inputs.js';
import { robustTrainingBlocks, robustTrainingJson } from './robust-training-output.js';

const flag = (flags: MitigateFlags, name: string): string | undefined => flags[name] as string | undefined;

/** The attack and trade-off settings from the flags, checked before any data is read. */
function settingsFromFlags(flags: MitigateFlags, method: AdversarialMethod, command: string): AdversarialTrainingOptions {
  const epsilonFlag = flag(flags, 'epsilon');
  if (epsilonFlag === undefined) throw new GlassboxError('invalid_argument', `Missing --epsilon: ${command} trains against perturbations of this radius.`, { argument: '--epsilon', hint: 'e.g. --epsilon 0.1 for images in [0, 1].' });
  const epsilon = parseNumberFlag('--epsilon', epsilonFlag, 0.1);
  if (!(epsilon > 0)) throw new GlassboxError('invalid_argument', `--epsilon must be > 0; got "${epsilonFlag}".`, { argument: '--epsilon', hint: 'e.g. --epsilon 0.1 for images in [0, 1].' });
  const trainEpsilon = flag(flags, 'trainEpsilon');
  const steps = parseIntegerFlag('--steps', flag(flags, 'steps'), 7, 1);
  const stepSize = flag(flags, 'stepSize');
  const norm = parseChoice('--norm', flag(flags, 'norm'), ['linf', 'l2'] as const, 'linf');
  const beta = flag(flags, 'beta');
  const cleanWeight = flag(flags, 'cleanWeight');
  if (method === 'pgd' && beta !== undefined) throw new GlassboxError('invalid_argument', '--beta is the TRADES trade-off; --method adversarial-training has none.', { argument: '--beta', hint: 'Drop --beta, or use --method trades.' });
  if (method === 'trades' && cleanWeight !== undefined) throw new GlassboxError('invalid_argument', '--clean-weight mixes clean rows into PGD training; TRADES always trains on both (--beta sets the balance).', { argument: '--clean-weight', hint: 'Drop --clean-weight, or use --method adversarial-training.' });
  const options: AdversarialTrainingOptions = {
    method,
    epsilon,
    ...(trainEpsilon !== undefined ? { trainingEpsilon: parseNumberFlag('--train-epsilon', trainEpsilon, epsilon, Number.MIN_VALUE) } : {}),
    norm,
    steps,
    ...(stepSize !== undefined ? { stepSize: parseNumberFlag('--step-size', stepSize, (2.5 * epsilon) / steps, Number.MIN_VALUE) } : {}),
    ...(beta !== undefined ? { beta: parseNumberFlag('--beta', beta, 6, 0) } : {}),
    ...(cleanWeight !== undefined ? { cleanWeight: parseNumberFlag('--clean-weight', cleanWeight, 0.5, 0) } : {}),
  };
  resolveAdversarialSettings(options);
  return options;
}

/**
 * `--method adversarial-training` (PGD, Madry et al. 2018) or `--method trades` (Zhang et al. 2019):
 * fine-tunes a copy of the model on its training rows and compares clean and PGD-20 robust accuracy at
 * the same ε on the held-out rows, before and after.
 */
export function robustTrainingMethod(method: AdversarialMethod): MitigationMethod {
  const command = `--method ${method === 'pgd' ? 'adversarial-training' : 'trades'}`;
  return async (context: MitigationContext): Promise<MitigationOutcome> => {
    const { flags, seed, signal, progress } = context;
    const settings = settingsFromFlags(flags, method, command);
    const epochs = parseIntegerFlag('--epochs', flag(flags, 'epochs'), 3, 1);
    const batchSize = parseIntegerFlag('--batch-size', flag(flags, 'batchSize'), 64, 1);
    const learningRate = parseNumberFlag('--learning-rate', flag(flags, 'learningRate'), 1e-3, Number.MIN_VALUE);
    const evaluationSteps = parseIntegerFlag('--eval-steps', flag(flags, 'evalSteps'), 20, 1);
    const inputs = await loadRobustTrainingInputs(flags, seed);
    const labels = { 'evaluate-before': 'PGD passes (before)', train: 'training batches', 'evaluate-after': 'PGD passes (after)' } as const;
    try {
      const result = await adversarialTraining(inputs.model, { x: inputs.train.x, y: Float32Array.from(inputs.train.labels) }, { x: inputs.heldOut.x, labels: inputs.heldOut.labels }, {
        ...settings,
        epochs,
        batchSize,
        optimizer: { kind: 'adam', learningRate },
        seed,
        bounds: inputs.bounds,
        evaluationSteps,
        signal,
        onProgress: (p) => progress.update(p.done, p.total, labels[p.stage]),
      });
      return {
        json: robustTrainingJson(inputs, result),
        blocks: robustTrainingBlocks(inputs, result),
        saveModel: (path) => result.model.save(path),
        dispose: async () => {
          await result.model.dispose?.();
          await inputs.model.dispose?.();
        },
      };
    } catch (error) {
      await inputs.model.dispose?.();
      throw error;
    }
  };
}
