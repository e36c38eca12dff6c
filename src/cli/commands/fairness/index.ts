import type { Command } from 'commander';
import { addAuditOptions } from '../../input-options.js';
import type { FairnessFlags } from './run.js';

/**
 * `glassbox fairness`: group metrics per protected attribute and their intersections, with optional mitigation.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerFairnessCommand(program: Command): void {
  addAuditOptions(program
    .command('fairness')
    .description('Fairness metrics (Fairlearn semantics) per protected attribute and their intersections, with confidence intervals and optional mitigation.'))
    .option('--protected <a,b>', 'protected attributes (schema names or columns; default: the schema\'s)')
    .option('--max-order <k>', 'intersections of up to k attributes', '2')
    .option('--mitigate <method>', 'threshold or reweigh (the older form of glassbox mitigate --method threshold|reweigh, which also fine-tunes and reports held-out before/after)')
    .option('--constraint <c>', 'threshold optimizer constraint: demographic_parity, equalized_odds, equal_opportunity', 'demographic_parity')
    .option('--policy-out <file>', 'write the fitted group-threshold policy (JSON) here')
    .option('--seed <n>', 'seed', '0')
    .option('--format <format>', 'json, table or html', 'table')
    .action(async (flags: FairnessFlags) => {
      const { runFairness } = await import('./run.js');
      await runFairness(flags);
    });
}
