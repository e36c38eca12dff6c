import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { ServeFlags } from './run.js';

/**
 * `glassbox serve`: the local dashboard (what-if editor, counterfactuals, slices, fairness, projector)
 * on 127.0.0.1 behind a random token. The definition only: run.ts loads the server when it runs.
 */
export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('Serve the local dashboard on 127.0.0.1 (token-protected): browse rows, edit a row and watch the prediction, counterfactuals, slices, fairness, projections.')
    .option('--demo <name>', 'a built-in demo: credit, digits or spam')
    .option('--data <file>', 'rows to serve: CSV, Parquet, JSONL or Arrow (or image data)')
    .option('--model <file>', 'the model file or http(s):// endpoint')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--results <dir>', "a scan's output folder: its findings, slices and fairness are shown (alone: the data and model it recorded are served)")
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--host <address>', 'interface to bind; anything but 127.0.0.1/localhost exposes the dashboard to the network', '127.0.0.1')
    .option('--no-open', 'do not open a browser');
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: ServeFlags) => {
    const { runServe } = await import('./run.js');
    await runServe(flags);
  });
}
