import type { Command } from 'commander';
import type { ActivationsFlags } from './run.js';

/**
 * `glassbox activations`: named intermediate tensors of a model, written to .npy files batch by batch.
 * The definition only: run.ts and the engines it needs load when the command runs.
 */
export function registerActivationsCommand(program: Command): void {
  program
    .command('activations')
    .description('Write the values of named intermediate tensors (layers) of a model for every input to .npy or Parquet files, batch by batch (streamed: neither inputs nor activations of all rows are held in memory).')
    .requiredOption('--model <file>', 'a differentiable model (.onnx or TF.js model.json)')
    .requiredOption('--data <file>', 'inputs: a .npy tensor (read in batches) or an image folder')
    .requiredOption('--out <dir>', 'folder for one .npy per layer and activations.json')
    .option('--layers <a,b>', 'tensor names (default: the outputs of activation and pooling nodes and the output)')
    .option('--rows <a:b>', 'inputs to use (0-based rows of --data; default: all)')
    .option('--batch-size <n>', 'inputs per model call', '256')
    .option('--format <format>', 'npy (one float32 .npy per layer) or parquet (row_id + values list per row, zstd; the row shape in the file metadata)', 'npy')
    .option('--quiet', 'no progress output')
    .action(async (flags: ActivationsFlags) => {
      const { runActivations } = await import('./run.js');
      await runActivations(flags);
    });
}
