import type { Command } from 'commander';
import type { VogFlags } from './run.js';

/**
 * `glassbox vog`: Variance of Gradients (Agarwal, D'souza & Hooker 2022) per example from K training
 * checkpoints. The definition only: run.ts and the engines it needs load when the command runs.
 */
export function registerVogCommand(program: Command): void {
  program
    .command('vog')
    .description("Variance of Gradients: rank examples by difficulty from how the gradient of the true class's logit w.r.t. the input varies across K training checkpoints (class-normalised), with the error rate of the highest-VoG examples against the rest.")
    .option('--checkpoints <a,b,…>', 'K ≥ 2 snapshots of one network in training order: .onnx files or TF.js folders (model.json)')
    .option('--data <file>', 'inputs: .npy tensor or image folder (one subfolder per class)')
    .option('--labels <file>', 'one integer class index per row of --data (.npy; an image folder labels itself)')
    .option('--demo <name>', "a built-in demo with committed checkpoints (digits): its test images and its 5 checkpoints")
    .option('--rows <a:b>', "inputs to use (0-based rows of --data or of the demo's test split; default: all)")
    .option('--per-pixel <stat>', "what is averaged over pixels: std (the paper's Eq. 3) or variance", 'std')
    .option('--channel-axis <k>', 'average gradients over this axis of one row first (e.g. 2 for [h, w, c]), as the authors\' ImageNet code does')
    .option('--top <fraction>', 'share of rows called high-VoG in the error comparison', '0.1')
    .option('--per-class <n>', 'images per class at each end of the HTML grid', '5')
    .option('--batch-size <n>', 'rows per gradient call', '256')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'json')
    .action(async (flags: VogFlags) => {
      const { runVog } = await import('./run.js');
      await runVog(flags);
    });
}
