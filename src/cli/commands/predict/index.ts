import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { PredictFlags } from './run.js';

/**
 * `glassbox predict`: prints the model's outputs for rows of a data file.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerPredictCommand(program: Command): void {
  const command = program
    .command('predict')
    .description("Print the model's outputs (probabilities per class, or values) for rows of a data file.")
    .option('--demo <name>', "a built-in demo's model (and encoder); with --data, scores that file's rows (tabular demos)")
    .option('--model <file>', 'the model file or http(s):// endpoint')
    .option('--data <file>', 'rows to score: CSV, Parquet, JSONL or Arrow')
    .option('--schema <file>', 'schema JSON')
    .option('--missing <policy>', 'empty or NaN cells: error (default), drop the rows, or impute (median / most frequent)')
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted)')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model (the data then holds one text column)')
    .option('--rows <a:b>', 'rows whose 0-based data row id in the file (header excluded) is in [a, b)')
    .option('--calibrator <file>', 'apply a calibrator saved by glassbox calibration --calibrator-out to the probabilities')
    .option('--format <format>', 'json or csv', 'json');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: PredictFlags) => {
      const { runPredict } = await import('./run.js');
      await runPredict(flags);
    });
}
