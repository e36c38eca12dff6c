import type { Command } from 'commander';
import type { ProjectFlags } from './run.js';

/**
 * `glassbox project`: a 2-D (or k-D) map of inputs or of a layer's activations by PCA, Barnes–Hut t-SNE or
 * UMAP, with its trustworthiness. The definition only: run.ts and the engines it needs load when it runs.
 */
export function registerProjectCommand(program: Command): void {
  program
    .command('project')
    .description('Project inputs or a layer\'s activations to 2-D with PCA, t-SNE (Barnes–Hut) or UMAP, coloured by label, prediction or error, with the trustworthiness of the map.')
    .option('--x <file>', 'an n × d .npy matrix to project (e.g. activations written by glassbox activations)')
    .option('--model <file>', 'a differentiable model (.onnx or TF.js model.json): project one of its layers')
    .option('--data <file>', 'inputs for --model: .npy tensor or image folder')
    .option('--layer <name>', 'the tensor of --model to project (default: the penultimate layer, the last before the output width)')
    .option('--demo <name>', 'built-in demo: digits (its test images, penultimate layer of its model)')
    .option('--labels <file>', 'true labels of the rows (.npy, one integer per row), for --color error')
    .option('--method <method>', 'pca, tsne or umap', 'pca')
    .option('--components <n>', 'output dimensions (t-SNE: 2)', '2')
    .option('--perplexity <p>', 't-SNE perplexity', '30')
    .option('--neighbors <n>', 'UMAP neighbourhood size', '15')
    .option('--color <by>', 'label (the data\'s labels), prediction, error, or a .npy file with one category per row')
    .option('--rows <a:b>', 'rows to project (0-based; default: all)')
    .option('--seed <n>', 'seed of the projection', '0')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json or html', 'json')
    .action(async (flags: ProjectFlags) => {
      const { runProject } = await import('./run.js');
      await runProject(flags);
    });
}
