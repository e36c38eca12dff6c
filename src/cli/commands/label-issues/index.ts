import type { Command } from 'commander';
import { addUnknownCategoryOption } from '../../input-options.js';
import type { LabelIssuesFlags } from './run.js';

/**
 * `glassbox label-issues`: rows whose given label looks wrong, by confident learning on out-of-sample
 * probabilities (a cross-fitted baseline, or a model on rows it did not train on).
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerLabelIssuesCommand(program: Command): void {
  const command = program
    .command('label-issues')
    .description("Find rows whose label looks wrong by confident learning (Northcutt et al. 2021, cleanlab's find_label_issues): out-of-sample probabilities from a K-fold cross-fitted baseline (or --model on rows it did not train on), per-class thresholds, the calibrated confident joint, pruning by noise rate; the suspected rows with suggested labels and quality scores, the estimated noise rate per class pair, and the feature bins where issues concentrate.")
    .option('--demo <name>', 'a built-in demo: credit, digits or spam (its model on the test split; with --cross-fit, a baseline on every row)')
    .option('--data <file>', 'the labelled data (CSV, Parquet, JSONL or Arrow)')
    .option('--target <column>', 'label column')
    .option('--label <column>', 'alias of --target')
    .option('--model <file>', 'use this model\'s probabilities instead of a cross-fitted baseline: only on rows it did not train on (the test split when the schema has one)')
    .option('--labels <file>', 'image data as .npy: the label of each image')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input (with --model)')
    .option('--delimiter <char>', 'CSV delimiter')
    .option('--missing <policy>', 'missing values: error, drop or impute')
    .option('--cross-fit', 'with --model or --demo: ignore the model and cross-fit the baseline on every labelled row')
    .option('--baseline <kind>', 'cross-fitted baseline: logistic (multinomial logistic regression), quadratic (logistic regression on degree-2 features, for ≤ 40 encoded features) or gam (an EBM-style GAM on the raw columns, two classes)', 'logistic')
    .option('--folds <k>', 'cross-fitting folds', '5')
    .option('--filter-by <rule>', 'prune_by_noise_rate, prune_by_class or both', 'prune_by_noise_rate')
    .option('--rank-by <score>', 'self_confidence or normalized_margin', 'self_confidence')
    .option('--bins <n>', 'quantile bins per numeric feature for the concentration table', '5')
    .option('--top <n>', 'suspected rows shown in the table and HTML (JSON lists all)', '25')
    .option('--seed <n>', 'seed of the fold assignment', '0')
    .option('--quiet', 'no progress on stderr')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(command).action(async (flags: LabelIssuesFlags) => {
    const { runLabelIssues } = await import('./run.js');
    await runLabelIssues(flags);
  });
}
