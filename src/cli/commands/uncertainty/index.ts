import type { Command } from 'commander';
import { withInterrupt } from '../../interrupt.js';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { UncertaintyFlags } from './run.js';

/**
 * `glassbox uncertainty`: predictive uncertainty (entropy, expected entropy, mutual information) per row.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerUncertaintyCommand(program: Command): void {
  const command = program
    .command('uncertainty')
    .description('Predictive uncertainty per row: mean probabilities, entropy, expected entropy and mutual information from a deep ensemble, MC dropout or a last-layer Laplace approximation.')
    .option('--model <files>', 'the model file, or several comma-separated files (same classes and input) for an ensemble')
    .option('--data <file>', 'rows to score: CSV, Parquet, JSONL or Arrow; or images: a folder of PNG/JPEG or a .npy tensor')
    .option('--demo <name>', 'use a built-in demo instead of --data/--model (digits: the CNN has dropout)')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--labels <file.npy>', 'image data: one class index per image (adds error-detection figures)')
    .option('--method <name>', 'ensemble (several models), mc-dropout (default for one model) or laplace')
    .option('--passes <n>', 'MC-dropout passes, or Laplace posterior draws', '30')
    .option('--fit-data <file.npy>', 'laplace: training inputs the Hessian is summed over (default: the train split)')
    .option('--hessian <kind>', 'laplace: diag (default) or kfac GGN of the last layer')
    .option('--prior-precision <λ>', 'laplace: prior precision (default: chosen by marginal likelihood)')
    .option('--rows <a:b>', 'score the audited rows in [a, b) (0-based)')
    .option('--seed <n>', 'seed of the dropout masks and posterior draws', '0')
    .option('--format <format>', 'json, table or html', 'json')
    .option('--quiet', 'no progress output');
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: UncertaintyFlags) => {
    const { runUncertainty } = await import('./run.js');
    process.stdout.write(await withInterrupt('glassbox uncertainty', (signal) => runUncertainty(flags, signal)));
  });
}
