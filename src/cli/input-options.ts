import type { Command } from 'commander';
import { GlassboxError } from '../errors.js';

/**
 * `--target COLUMN` names the label column in every command, `--label COLUMN` is its alias (both
 * spellings are common). Commander has no option aliases, so both are registered and read by
 * {@link labelColumn}.
 */
export function addLabelOptions(command: Command): Command {
  return command
    .option('--target <column>', 'label column when there is no schema (alias: --label)')
    .option('--label <column>', 'alias of --target');
}

/** `--unknown-category`: what to do with a category the encoding (schema or preprocess spec) does not list. */
export function addUnknownCategoryOption(command: Command): Command {
  return command.option('--unknown-category <policy>', 'a category the schema or preprocess spec does not list: error (default; lists the rows), ignore (treated as missing: one-hot zeros, a tree\'s missing branch) or most-frequent');
}

/** The label column from --target or its alias --label; both given with different values is an error. */
export function labelColumn(flags: { readonly target?: string | undefined; readonly label?: string | undefined }): string | undefined {
  if (flags.target !== undefined && flags.label !== undefined && flags.target !== flags.label) {
    throw new GlassboxError('invalid_argument', `--target "${flags.target}" and --label "${flags.label}" name different label columns; --label is an alias of --target.`, { argument: '--label', hint: 'Give one of them.' });
  }
  return flags.target ?? flags.label;
}

/** The input options `slices` and `fairness` share: a model or precomputed predictions, and the data. */
export function addAuditOptions(command: Command): Command {
  command
    .option('--demo <name>', 'a built-in demo')
    .option('--data <file>', 'labelled data (the test split when the schema has one)')
    .option('--model <file>', 'the model (or use --predictions)')
    .option('--predictions <file|column>', "precomputed outputs: a column of the data, a JSON file from 'glassbox predict', or a one-column CSV")
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON');
  return addUnknownCategoryOption(addLabelOptions(command)).option('--threshold <t>', 'positive when score ≥ t', '0.5');
}
