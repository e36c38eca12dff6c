import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { ChallengerFlags } from './run.js';

/**
 * `glassbox challenger`: interpretable models trained on the training split, compared with the model on
 * the audited rows. The definition only: the implementation (run.ts) loads when the command runs.
 */
export function registerChallengerCommand(program: Command): void {
  const command = program
    .command('challenger')
    .description("Train interpretable challengers (an EBM-style GAM with FAST pairs, sparse logistic regression on an L1 path, a depth-≤4 tree) on the training split and compare them with the model on the audited rows: AUC, accuracy, log loss, paired bootstrap intervals of the differences, and the slices where the model and the best challenger disagree. Without --model, the challengers are compared with each other.")
    .option('--demo <name>', 'a built-in demo: credit')
    .option('--data <file>', 'labelled data: CSV, Parquet, JSONL or Arrow (challengers train on the training split and are compared on the test split; without a split, on a seeded 70/30 split)')
    .option('--model <file>', 'the model to challenge (optional)')
    .option('--schema <file>', 'schema JSON (features, target, split); inferred when omitted')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input (with --model)')
    .option('--missing <policy>', 'empty or NaN cells: error (default), drop the rows, or impute')
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted)')
    .option('--kinds <list>', 'challengers to train: gam, linear, tree', 'gam,linear,tree')
    .option('--interactions <n>', 'GAM: pairs added after the main effects, ranked by FAST', '10')
    .option('--bags <n>', 'GAM: outer bags', '8')
    .option('--tree-depth <d>', 'tree: depth, 1 to 4', '4')
    .option('--iterations <n>', 'bootstrap resamples for the intervals of the differences', '1000')
    .option('--save-gam <file>', 'write the GAM (shape functions, pairs, intercept) as JSON')
    .option('--seed <n>', 'seed of every stochastic step', '0')
    .option('--quiet', 'no progress on stderr')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: ChallengerFlags) => {
    const { runChallenger } = await import('./run.js');
    await runChallenger(flags);
  });
}
