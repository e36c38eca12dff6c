import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { DriftFlags } from './run.js';

/**
 * `glassbox drift`: data drift per feature between a reference and a current file, and with a model its
 * prediction and performance drift and a domain-shift benchmark.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerDriftCommand(program: Command): void {
  const command = program
    .command('drift')
    .description('Distribution shift between reference and current data: KS / chi-square per feature with Benjamini–Hochberg q-values, PSI, Wasserstein and Jensen–Shannon; with a model, prediction and performance drift and worst-domain accuracy.')
    .option('--reference <file>', 'reference rows (e.g. the training data): CSV, Parquet, JSONL or Arrow; default: the train split of --data when the schema has one')
    .option('--data <file>', 'current rows to compare with the reference')
    .option('--demo <name>', 'a built-in tabular demo (credit): its train split is the reference, its test split the current data')
    .option('--schema <file>', 'schema JSON (read both files with it); inferred from the reference when omitted')
    .option('--model <file>', 'the model, for prediction drift, performance drift (with labels) and --domain')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--missing <policy>', 'with a model: empty or NaN cells are an error (default), dropped, or imputed; drift tests keep them as missing')
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted)')
    .option('--domain <column>', 'domain-shift benchmark: accuracy per value of this metadata column (region, device, time…), worst domain and its gap to the pooled accuracy')
    .option('--periods <n>', 'with --domain on a time or numeric column: cut it into n equal-count periods')
    .option('--period <unit>', 'with --domain on a date column: calendar month, quarter or year')
    .option('--fdr <q>', 'a feature drifts when its Benjamini–Hochberg q-value is below q', '0.05')
    .option('--bins <k>', 'quantile bins of the reference for PSI, Jensen–Shannon and histograms', '10')
    .option('--format <format>', 'json, table or html', 'table');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: DriftFlags) => {
      const { runDrift } = await import('./run.js');
      await runDrift(flags);
    });
}
