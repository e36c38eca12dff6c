import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { ConformalFlags } from './run.js';

/**
 * `glassbox conformal`: split-conformal prediction sets (classification) or intervals (regression), from
 * saved predictions or from a model and data. The definition only: run.ts loads when the command runs.
 */
export function registerConformalCommand(program: Command): void {
  const command = program
    .command('conformal')
    .description('Conformal prediction sets (LAC, APS, RAPS) or intervals (absolute residual, CQR) with a coverage guarantee, their coverage and set size per class and group, and selective prediction (risk–coverage, AURC).')
    .option('--calibration-predictions <file.npy>', 'calibration rows: n × K class probabilities (n or n × 1: P(class 1) of a binary model); regression: n predictions, or n × 2 lower/upper quantiles for --score cqr')
    .option('--calibration-labels <file.npy>', 'calibration labels: class indices (or regression targets)')
    .option('--predictions <file.npy>', 'rows to make sets for, same layout as --calibration-predictions')
    .option('--labels <file.npy>', 'their labels (optional: coverage, set size, AURC); with --data of images, the image labels')
    .option('--demo <name>', 'a built-in demo (credit, digits, spam)')
    .option('--data <file>', 'data to calibrate and evaluate on (the test split when the schema has one), with --model')
    .option('--model <file>', 'the model')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model')
    .option('--protected <a,b>', 'protected attributes to report coverage for (default: the schema\'s)')
    .option('--calibration-fraction <f>', 'with --model: the share of the audited rows (seeded random) used to calibrate; the rest are evaluated', '0.5')
    .option('--alpha <a>', 'miscoverage: sets hold the true class with probability ≥ 1 − α', '0.1')
    .option('--score <score>', 'lac, aps or raps (classification); residual or cqr (regression; default for regression models: residual)')
    .option('--lambda <λ>', 'RAPS penalty per class ranked beyond k_reg (default 0.01)')
    .option('--k-reg <k>', 'RAPS: classes ranked 1..k_reg are not penalised (default 1)')
    .option('--randomized', 'APS/RAPS: randomised scores (exact coverage; sets depend on --seed)')
    .option('--mondrian <by>', 'class (a q̂ per true class) or, with --model, a protected attribute (a q̂ per group)')
    .option('--seed <n>', 'seed of the calibration split and of randomised scores', '0')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: ConformalFlags) => {
      const { runConformal } = await import('./run.js');
      await runConformal(flags);
    });
}
