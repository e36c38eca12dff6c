import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import { IMPORTANCE_METHODS as METHODS, IMPORTANCE_METRICS as METRICS } from './flags.js';
import type { ImportanceFlags } from './run.js';

/**
 * `glassbox importance`: global explanations (permutation importance, PDP/ICE, surrogate tree, linear weights).
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerImportanceCommand(program: Command): void {
  const command = program
    .command('importance')
    .description('Global explanations: permutation importance, partial dependence/ICE, a surrogate tree, linear weights and odds ratios.')
    .option('--model <file>', 'the model file or endpoint')
    .option('--data <file>', 'labelled rows (the test split is used when the schema has one)')
    .option('--demo <name>', 'use a built-in demo instead of --data/--model')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON')
    .option('--method <name>', METHODS.join(', '), 'permutation')
    .option('--features <list>', 'pdp: features to plot (names or indices; default: the first three)')
    .option('--repeats <n>', 'permutation: shuffles per feature', '5')
    .option('--metric <name>', `permutation: ${METRICS.join(', ')}`)
    .option('--depth <n>', 'surrogate: maximum depth', '3')
    .option('--grid <n>', 'pdp: grid points for numeric features', '20')
    .option('--seed <n>', 'seed', '0')
    .option('--format <format>', 'json or html', 'json');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: ImportanceFlags) => {
      const { runImportance } = await import('./run.js');
      process.stdout.write(await runImportance(flags));
    });
}
