import type { Command } from 'commander';
import type { CkaFlags } from './run.js';

/**
 * `glassbox cka`: similarity of two representations (two matrices), or the layer × layer CKA map of one
 * model or between two. The definition only: run.ts and the engines it needs load when the command runs.
 */
export function registerCkaCommand(program: Command): void {
  program
    .command('cka')
    .description('Centered kernel alignment between two representation matrices, or a layer × layer CKA heatmap within one model or between two.')
    .option('--x <file>', 'first representation: an n × d .npy matrix (higher ranks are flattened per row)')
    .option('--y <file>', 'second representation of the same n examples')
    .option('--model <file>', 'a differentiable model (.onnx or TF.js model.json): compare its layers')
    .option('--model-b <file>', 'a second model: compare --model\'s layers with its layers (default: --model with itself)')
    .option('--data <file>', 'inputs for --model: .npy tensor or image folder')
    .option('--layers <a,b>', 'tensors of --model (default: its post-activation and pooling outputs and its output)')
    .option('--layers-b <a,b>', 'tensors of --model-b (default: as --layers)')
    .option('--rows <a:b>', 'inputs to use (0-based rows of --data; default: all)')
    .option('--kernel <kernel>', 'linear or rbf', 'linear')
    .option('--debiased', 'unbiased HSIC estimator (Nguyen et al. 2021)')
    .option('--minibatch <n>', 'minibatch CKA with batches of n examples (linear, unbiased; for large n)')
    .option('--seed <n>', 'seed of the minibatch shuffle', '0')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'json')
    .action(async (flags: CkaFlags) => {
      const { runCka } = await import('./run.js');
      await runCka(flags);
    });
}
