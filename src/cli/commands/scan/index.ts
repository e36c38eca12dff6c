import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { ScanFlags } from './run.js';

/**
 * `glassbox scan`: runs the detectors and writes report.html, results.json, findings.md and junit.xml.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerScanCommand(program: Command): void {
  const command = program
    .command('scan')
    .description('Run every detector on a model and labelled data; write a self-contained HTML report and machine-readable results.')
    .option('--demo <name>', 'a built-in demo: credit, digits or spam')
    .option('--data <file>', 'labelled data: CSV, Parquet, JSONL or Arrow (the test split is audited when the schema has one), a folder of images (one subfolder per class) or a .npy tensor')
    .option('--labels <file.npy>', 'labels of .npy image data, one class index per image')
    .option('--model <file>', 'the model: .onnx, XGBoost .json, LightGBM .txt, TF.js model.json, or an http(s):// endpoint; without it, tabular data is audited with a baseline GAM glassbox trains (the report says so)')
    .option('--schema <file>', 'schema JSON (features, target, protected attributes, split); inferred when omitted')
    .option('--missing <policy>', 'empty or NaN cells: error (default), drop the rows, or impute (median / most frequent)')
    .option('--delimiter <char>', 'CSV delimiter (detected when omitted)')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input; fitted on the training rows when omitted')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model (the data then holds one text column)')
    .option('--protected <a,b>', "protected attributes: the schema's by name, or columns (numbers split at their quartiles); default: the schema's")
    .option('--domain <column>', 'a metadata column (region, device, date…): accuracy per domain and the worst domain\'s gap to the pooled accuracy')
    .option('--corruption-severities <list>', 'image models: ImageNet-C severities the corruption check runs (default 3; 1,2,3,4,5 for the full benchmark)')
    .option('--corruption-images <n>', 'image models: most images the corruption check corrupts (default 500, fewer for large images)')
    .option('--checkpoints <a,b,…>', "training checkpoints of the model (ONNX files or TF.js folders, in training order; 'demo' with --demo digits): adds Variance of Gradients")
    .option('--compression <spec>', 'also find what compression forgets (costly, off by default): prune:0.9, prune-channels:0.5, quantize:8 or quantize:8:per-channel')
    .option('--defuse-vae <file>', 'image classifiers: turn on the Defuse failure-scenario search with this VAE (vae.json from glassbox defuse; models/digits-vae/vae.json for the digits demo)')
    .option('--out <dir>', 'output folder', 'glassbox-out')
    .option('--seed <n>', 'seed for every stochastic step', '0')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (info|low|medium|high|critical|none)', 'none')
    .option('--quiet', 'no progress output')
    .option('--json', 'print results.json to stdout instead of a summary');
  addUnknownCategoryOption(addLabelOptions(command))
    .action(async (flags: ScanFlags) => {
      const { runScan } = await import('./run.js');
      await runScan(flags);
    });
}
