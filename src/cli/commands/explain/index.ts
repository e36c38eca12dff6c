import type { Command } from 'commander';
import type { ExplainFlags } from './flags.js';
import { ENGINES, methodNames } from './methods.js';

export type { ExplainFlags } from './flags.js';

/**
 * `glassbox explain`: local attributions for rows of a data file, images or texts, as JSON, a text
 * table or HTML. This file is the command's definition and the only one other modules import; the
 * pipeline (run.ts) and the engines it needs are loaded when the command runs.
 */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('Explain the model’s outputs for rows of a data file, images or texts (Shapley values, LIME, occlusion, TreeSHAP, gradients).')
    .option('--model <file>', 'the model file or endpoint')
    .option('--data <file>', 'rows to explain: CSV, Parquet, JSONL or Arrow; or images: a folder of PNG/JPEG or a .npy tensor')
    .option('--demo <name>', 'use a built-in demo instead of --data/--model (credit: tabular, digits: images, spam: text)')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model (the data then holds one text column)')
    .option('--method <name>', `one of ${methodNames().join(', ')}; lime and occlusion also explain images and text (default: tree-shap for tree models, kernel-shap for other tabular models, lime for images and text)`)
    .option('--rows <a:b>', 'explain the rows whose 0-based data row id in the file (header excluded) is in [a, b) (default: the first 10)')
    .option('--background <file|n>', 'background rows: a data file, or the first n training rows (default 100; LIME uses every training row)')
    .option('--features <list>', 'comma-separated feature names or indices to explain; the others stay at the row’s values')
    .option('--samples <n>', 'coalitions (kernel-shap), evaluations (permutation-shapley) or perturbations (lime; default 5000, images 1000)')
    .option('--segmentation <kind>', 'lime on images: superpixels by quickshift (default) or slic')
    .option('--segments <n>', 'lime on images with --segmentation slic: number of superpixels (default 100)')
    .option('--window <n>', 'occlusion on images: square window in pixels (default 4); on text: words hidden together (default 1)')
    .option('--stride <n>', 'occlusion on images: step between windows in pixels (default 2); on text: in words (default 1)')
    .option('--seed <n>', 'seed of every random choice', '0')
    .option('--class <class>', 'class to explain, by name or index; image, text and gradient methods also take predicted or label (default: the positive class, or the predicted class)')
    .option('--target <column>', 'label column when there is no schema (alias: --label); the class to explain is --class')
    .option('--label <column>', 'alias of --target')
    .option('--unknown-category <policy>', 'a category the schema or preprocess spec does not list: error (default), ignore or most-frequent')
    .option('--format <format>', 'json, table or html', 'json')
    .option('--output <space>', "tree-shap: explain the 'margin' (log-odds) or the 'probability' (interventional only)", 'margin')
    .option('--interactions', 'tree-shap: add SHAP interaction values, an M×M matrix per row (path-dependent only)', false)
    .option('--algorithm <name>', "tree-shap: 'path-dependent' (default; needs no background) or 'interventional'")
    .option('--threads <n>', "tree-shap: 1, 2, … or 'auto'", 'auto')
    .option('--background-rows <n>', 'tree-shap interventional: training rows used as background (default 100, or --background n)')
    .option('--layer <name>', 'grad-cam: the convolutional tensor to explain (an ONNX node output name)')
    .option('--steps <n>', 'integrated-gradients: path steps', '50')
    .option('--ig-rule <rule>', 'integrated-gradients: gausslegendre | riemann_trapezoid | riemann_left | riemann_right | riemann_middle', 'gausslegendre')
    .option('--baseline <kind>', 'integrated-gradients: zeros | blur | uniform | mean | <number>; occlusion: zeros | <number>; text occlusion: a replacement word', 'zeros')
    .option('--labels <file.npy>', 'true labels for --class label when --data is a .npy tensor')
    .option('--sigma <s>', 'smoothgrad: noise σ as a fraction of the input range', '0.15')
    .option('--grad-output <space>', 'gradient methods: logits | probabilities', 'logits')
    .option('--heatmaps <n>', 'image data: PNG overlays for the first n rows in HTML output', '8')
    .option('--engine <name>', `ONNX gradients: ${ENGINES.join(' | ')} (auto: onnxruntime when every op has a backward rule)`, 'auto')
    .action(async (flags: ExplainFlags, cmd: Command) => {
      // only typed flags count: every parser has its own default, and a flag given to a method it does not apply to is an error
      const typed = Object.fromEntries(Object.entries(flags).filter(([key]) => cmd.getOptionValueSource(key) !== 'default')) as ExplainFlags;
      process.stdout.write(await runExplain(typed));
    });
}

/** Runs the explain command end to end and returns what it prints. */
export async function runExplain(flags: ExplainFlags, signal?: AbortSignal): Promise<string> {
  const { explain } = await import('./run.js');
  return explain(flags, signal);
}
