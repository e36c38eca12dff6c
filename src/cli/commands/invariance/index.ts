import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { InvarianceFlags } from './run.js';

/**
 * `glassbox invariance`: CheckList-style behavioural tests (INV, DIR, MFT) on a tabular or text model.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerInvarianceCommand(program: Command): void {
  const command = program
    .command('invariance')
    .description('Behavioural tests (CheckList): predictions that should not change under small perturbations (INV), monotonic constraints (DIR) and templated cases with expected labels (MFT), with violation rates, worst examples and the slices where violations concentrate.')
    .option('--demo <name>', 'a built-in demo: credit (tabular) or spam (text)')
    .option('--data <file>', 'rows to test: CSV, Parquet, JSONL or Arrow (the test split when the schema has one; labels are not needed)')
    .option('--model <file>', 'the model: .onnx, XGBoost .json, LightGBM .txt, TF.js model.json, or an http(s):// endpoint')
    .option('--schema <file>', 'schema JSON; inferred when omitted')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model (the data then holds one text column)')
    .option('--missing <policy>', 'empty or NaN cells: error (default), drop the rows, or impute')
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted)')
    .option('--tests <file>', 'tests JSON ({"tests": [...]}, see docs/robustness.md); default: the built-in tests for the model kind')
    .option('--rows <a:b>', '0-based data rows of the input file to test (default: every audited row)')
    .option('--examples <k>', 'worst examples kept per test', '5')
    .option('--confidence <level>', 'confidence level of the violation-rate intervals', '0.95')
    .option('--seed <n>', 'seed of the perturbations', '0')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: InvarianceFlags) => {
      const { runInvarianceCommand } = await import('./run.js');
      await runInvarianceCommand(flags);
    });
}
