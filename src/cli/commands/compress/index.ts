import type { Command } from 'commander';
import type { CompressFlags } from './run.js';

/**
 * `glassbox compress`: prune or quantize models and find the examples compression forgets (PIEs, Hooker
 * et al. 2019). The definition only: run.ts and the engines it needs load when the command runs.
 */
export function registerCompressCommand(program: Command): void {
  program
    .command('compress')
    .description('Compress models (magnitude or channel pruning, int8 quantization simulated in float) and find Pruning Identified Exemplars: rows where the modal prediction of the compressed population differs from that of the base population, with accuracy on PIEs vs the rest, per-class/group concentration and top-line deltas.')
    .option('--demo <name>', 'digits: trains a population of --population CNNs with different seeds, and a pruned + fine-tuned copy of each')
    .option('--models <files...>', 'base population: ONNX files or TF.js folders (the same architecture trained with different seeds)')
    .option('--compressed <files...>', 'compressed population (default: each --models compressed now, post-training)')
    .option('--data <file>', 'evaluation inputs for --models (.npy tensor or image folder)')
    .option('--labels <file>', 'one class index per row of --data (.npy)')
    .option('--groups <file>', 'one group code per row of --data (.npy), e.g. a protected attribute, for the per-group concentration')
    .option('--method <method>', 'prune or quantize', 'prune')
    .option('--sparsity <s>', 'pruning: fraction of weights (or filters with --structured) set to 0', '0.9')
    .option('--scope <scope>', 'unstructured pruning threshold: global or layer', 'global')
    .option('--structured', 'prune whole convolution filters by L1 norm instead of single weights')
    .option('--bits <b>', 'quantization: integer width', '8')
    .option('--granularity <g>', 'quantization scales: per-tensor or per-channel', 'per-tensor')
    .option('--population <n>', 'demo: models per population', '5')
    .option('--fine-tune-epochs <n>', 'demo: epochs of fine-tuning after pruning (masks keep pruned weights at 0)', '1')
    .option('--corruptions <list>', "image inputs: corruptions (severity 3) on which base and compressed accuracy are compared, or 'none'", 'gaussian_noise,motion_blur,contrast')
    .option('--cache <dir>', 'demo: keep the trained populations here and reuse them on the next run with the same settings')
    .option('--out <dir>', 'write the compressed models here (compressed-<k>.onnx or TF.js folders)')
    .option('--rows <a:b>', "evaluation rows (0-based rows of --data or of the demo's test split)")
    .option('--seed <n>', 'first training / fine-tuning seed of the populations', '0')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'json')
    .action(async (flags: CompressFlags) => {
      const { runCompress } = await import('./run.js');
      await runCompress(flags);
    });
}
