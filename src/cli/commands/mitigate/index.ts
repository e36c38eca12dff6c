import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { MitigateFlags } from './method.js';
import { MITIGATION_METHODS } from './methods.js';

/**
 * `glassbox mitigate`: fix a problem the audit found, and show before/after on held-out rows. The
 * definition only: run.ts, the method (methods/<name>.ts) and its engines load when the command runs.
 */
export function registerMitigateCommand(program: Command): void {
  const command = program
    .command('mitigate')
    .description(`Mitigate a fairness or robustness problem and compare the model before and after on held-out rows, with intervals. Methods: ${MITIGATION_METHODS.map((m) => `${m.name} (${m.summary})`).join('; ')}.`)
    .option('--demo <name>', 'a built-in demo (credit; digits for adversarial-training and trades)')
    .option('--data <file>', 'data with labels (CSV, Parquet, JSONL, Arrow); the schema\'s split picks training and held-out rows')
    .option('--model <file>', 'the model (.onnx or a TF.js model.json for the training methods)')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON')
    .option('--method <name>', MITIGATION_METHODS.map((m) => m.name).join(', '))
    .option('--protected <column>', 'the protected attribute (a schema name or a column)')
    .option('--lambda <l>', 'weight of the penalty (mindiff) or the initial multiplier scale')
    .option('--bound <b>', 'rate-constraint: largest allowed rate difference between groups')
    .option('--threshold <t>', 'positive when score ≥ t', '0.5')
    .option('--seed <n>', 'seed', '0')
    .option('--format <format>', 'json, table or html', 'table')
    .option('--out <file>', 'write the output here (atomically) instead of stdout')
    .option('--save-model <file>', 'write the mitigated model in its own format (.onnx, or a TF.js folder)')
    .option('--quiet', 'no progress output');
  const seen = new Set(command.options.map((o) => o.flags));
  for (const method of MITIGATION_METHODS) {
    for (const option of method.options ?? []) {
      if (seen.has(option.flags)) continue;
      seen.add(option.flags);
      command.option(option.flags, option.description, option.defaultValue);
    }
  }
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: MitigateFlags) => {
    const { runMitigate } = await import('./run.js');
    await runMitigate(flags);
  });
}
