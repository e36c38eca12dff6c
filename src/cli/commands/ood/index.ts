import type { Command } from 'commander';
import { withInterrupt } from '../../interrupt.js';
import type { OodFlags } from './run.js';

/**
 * `glassbox ood`: out-of-distribution detection scores evaluated on in-distribution vs OOD inputs.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerOodCommand(program: Command): void {
  program
    .command('ood')
    .description('How well OOD scores (MSP, max logit, energy, Mahalanobis, kNN) tell in-distribution inputs from out-of-distribution ones: AUROC, AUPR, FPR at 95% TPR.')
    .option('--model <file>', 'the model file')
    .option('--data <file>', 'in-distribution inputs: a .npy tensor or a folder of images')
    .option('--ood-data <file>', 'out-of-distribution inputs, same layout')
    .option('--demo <name>', 'digits: MNIST test digits against uniform noise, inverted, rotated and pixel-shuffled digits')
    .option('--method <names>', 'msp, max-logit, energy, mahalanobis, knn, a comma list, or all (default)')
    .option('--layer <name>', 'mahalanobis/knn: the layer whose activations are the features (default: the penultimate layer)')
    .option('--fit-data <file>', 'mahalanobis/knn: in-distribution training inputs to fit on (the demo uses its train split)')
    .option('--fit-labels <file.npy>', 'mahalanobis: class labels of --fit-data (default: the predicted classes)')
    .option('--k <n>', 'knn: neighbours (default 10)')
    .option('--rows <a:b>', '--demo: the test digits in [a, b) (0-based)')
    .option('--seed <n>', 'seed of the synthetic OOD sets', '0')
    .option('--format <format>', 'json, table or html', 'json')
    .option('--quiet', 'no progress output')
    .action(async (flags: OodFlags) => {
      const { runOod } = await import('./run.js');
      process.stdout.write(await withInterrupt('glassbox ood', (signal) => runOod(flags, signal)));
    });
}
