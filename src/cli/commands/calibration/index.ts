import type { Command } from 'commander';
import { addUnknownCategoryOption } from '../../input-options.js';
import type { CalibrationFlags } from './run.js';

/**
 * `glassbox calibration`: how far the model's probabilities can be taken at their word — ECE, MCE,
 * Brier, NLL, the reliability diagram, per-group calibration, and recalibration on a held-out split.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerCalibrationCommand(program: Command): void {
  const command = program
    .command('calibration')
    .description('Calibration of class probabilities (ECE, MCE, class-wise ECE, Brier, NLL, reliability diagram, bootstrap intervals), per protected group, and recalibration (temperature, vector, Platt, isotonic) fitted on a calibration split and judged on held-out rows.')
    .option('--demo <name>', 'a built-in demo: credit, digits or spam (its test split)')
    .option('--data <file>', 'rows to score (with --model), or the table holding the --labels column (with --predictions)')
    .option('--model <file>', 'the model (or use --predictions)')
    .option('--predictions <file>', 'saved outputs: an n × K .npy or CSV of probabilities (logits with --logits), or glassbox predict JSON')
    .option('--logits', 'the --predictions are logits (softmax gives the probabilities)')
    .option('--labels <file|column>', 'labels: a .npy / one-per-line file of class indices, or a column of --data')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model')
    .option('--target <column>', 'label column (alias of --labels COLUMN)')
    .option('--protected <a,b>', 'calibration per group of these attributes (schema names or columns)')
    .option('--bins <n>', 'number of bins', '15')
    .option('--binning <kind>', 'equal-width (bins (b/n, (b+1)/n]) or equal-mass (quantiles of the confidence)', 'equal-width')
    .option('--fit-temperature', 'fit temperature scaling on a calibration split and report the held-out metrics after it')
    .option('--calibrator <kind>', 'recalibration for --calibrator-out: temperature, vector, platt or isotonic (binary)', 'temperature')
    .option('--calibrator-out <file>', 'fit the --calibrator on the calibration split and write it as JSON (apply it with glassbox predict --calibrator)')
    .option('--calibration-fraction <f>', 'share of the rows the calibrator is fitted on (stratified by label); the rest are held out. 1 = fit and evaluate on all rows (in-sample)', '0.5')
    .option('--iterations <n>', 'bootstrap resamples for the intervals', '1000')
    .option('--seed <n>', 'seed of the split and the bootstrap', '0')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(command).action(async (flags: CalibrationFlags) => {
    const { runCalibration } = await import('./run.js');
    await runCalibration(flags);
  });
}
