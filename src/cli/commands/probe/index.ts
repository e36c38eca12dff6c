import type { Command } from 'commander';
import type { ProbeFlags } from './run.js';

/**
 * `glassbox probe`: cross-validated linear probes per layer (Alain & Bengio 2016). The definition only:
 * run.ts and the engines it needs load when the command runs.
 */
export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('Linear probes: stratified k-fold cross-validated accuracy of a logistic regression predicting the label (or any per-row target) from each layer\'s activations, with Wilson intervals and the majority-class baseline.')
    .option('--model <file>', 'a differentiable model (.onnx or TF.js model.json)')
    .option('--data <file>', 'inputs for --model: .npy tensor or image folder (one subfolder per class)')
    .option('--labels <file>', 'one integer class index per row of --data (.npy; an image folder labels itself)')
    .option('--demo <name>', 'a built-in image demo (digits): its test images and CNN')
    .option('--layers <a,b>', 'tensors to probe (default: post-activation and pooling outputs and the output); the raw input is always probed first')
    .option('--target <target>', "what to predict: 'labels' or a .npy file with one value per row (e.g. a protected attribute)", 'labels')
    .option('--rows <a:b>', 'inputs to use (0-based rows of --data or of the demo\'s test split; default: all)')
    .option('--folds <k>', 'cross-validation folds', '5')
    .option('--max-dims <d>', 'wider layers are reduced to their top d principal components first (0 = never)', '256')
    .option('--seed <n>', 'seed of the fold shuffle and the randomized PCA', '0')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'json')
    .action(async (flags: ProbeFlags) => {
      const { runProbe } = await import('./run.js');
      await runProbe(flags);
    });
}
