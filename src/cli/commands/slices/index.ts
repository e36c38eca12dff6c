import type { Command } from 'commander';
import { addAuditOptions } from '../../input-options.js';
import type { SlicesFlags } from './run.js';

/**
 * `glassbox slices`: where the model fails — FDR-controlled slice discovery plus an error heatmap.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerSlicesCommand(program: Command): void {
  addAuditOptions(program
    .command('slices')
    .description('Find data slices (conjunctions of up to 3 feature conditions) where the model errs significantly more, with FDR control.'))
    .option('--features <a,b,…>', 'columns to slice on (default: every numeric/categorical feature)')
    .option('--keep-derived <a,b,…>', 'slice on these columns even when they look derived from the label or predictions (never the label, predictions or split column itself)')
    .option('--max-order <k>', 'most conditions per slice', '3')
    .option('--min-support <n>', 'minimum rows per slice: a count, or a fraction when < 1', '0.01')
    .option('--min-effect <d>', 'minimum error-rate difference vs the rest', '0.05')
    .option('--fdr <q>', 'false discovery rate (Benjamini–Hochberg)', '0.05')
    .option('--seed <n>', 'seed', '0')
    .option('--format <format>', 'json, table or html', 'table')
    .action(async (flags: SlicesFlags) => {
      const { runSlices } = await import('./run.js');
      await runSlices(flags);
    });
}
