import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { CounterfactualFlags } from './run.js';

/**
 * `glassbox counterfactual`: what would have to change for the model to decide otherwise — DiCE-style
 * generated counterfactuals, or What-If Tool's nearest data row. The definition only; run.ts loads the engines.
 */
export function registerCounterfactualCommand(program: Command): void {
  const command = program
    .command('counterfactual')
    .description('Counterfactuals for rows of tabular data: diverse, sparse, feasible changes that flip the prediction (DiCE-style), or the nearest data row predicted otherwise (What-If Tool); each re-predicted.')
    .option('--demo <name>', 'a built-in tabular demo (credit)')
    .option('--data <file>', 'rows: CSV, Parquet, JSONL or Arrow')
    .option('--model <file>', 'the model file or http(s):// endpoint')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--rows <a:b>', 'rows to explain: 0-based data row ids (header excluded) in [a, b); default the first')
    .option('--method <name>', 'dice (generated, default) or nearest (the closest data row)', 'dice')
    .option('--count <n>', 'counterfactuals per row', '4')
    .option('--immutable <features>', 'features that must not change, e.g. age,gender')
    .option('--mutable <features>', 'only these features may change')
    .option('--class <name|index>', 'the class to reach (default: the other class of a binary model, or any other class)')
    .option('--metric <l1|l2>', 'distance on normalised features', 'l1')
    .option('--normalisation <mad|range>', 'numeric differences divided by the median absolute deviation (DiCE) or the range', 'mad')
    .option('--seed <n>', 'seed of the genetic search', '0')
    .option('--format <format>', 'json or table', 'table');
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: CounterfactualFlags) => {
    const { runCounterfactual } = await import('./run.js');
    process.stdout.write(await runCounterfactual(flags));
  });
}
