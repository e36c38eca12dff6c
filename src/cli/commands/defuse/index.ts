import type { Command } from 'commander';
import { withInterrupt } from '../../interrupt.js';
import type { AnnotateFlags } from './annotate.js';
import type { DefuseFlags } from './run.js';

/**
 * `glassbox defuse`: Defuse (Slack et al., 2021) end to end — a VAE, unrestricted adversarial examples
 * from latent perturbations, failure scenarios from a Gaussian mixture, annotation and correction.
 * The definition only: run.ts and the engines load when the command runs.
 */
export function registerDefuseCommand(program: Command): void {
  const defuse = program
    .command('defuse')
    .description('Find unrestricted adversarial examples with a VAE, distil them into failure scenarios (scenario grids + scenarios.json), and fine-tune the classifier on annotated scenarios.')
    .option('--demo <name>', 'digits: the digits demo CNN, data and committed VAE')
    .option('--model <file>', 'the classifier to debug: an ONNX file or a TF.js model folder (fine-tuned when scenarios are annotated)')
    .option('--data <path>', 'training images: a folder with one subfolder per class, or a .npy tensor (with --labels)')
    .option('--labels <file.npy>', 'class indices of the --data .npy images')
    .option('--test-data <path>', 'test images, same layout as --data')
    .option('--test-labels <file.npy>', 'class indices of the --test-data .npy images')
    .option('--vae <file>', 'a VAE written by an earlier run (vae.json); without it one is trained on --data and saved into --out')
    .option('--seed <n>', 'seed of the VAE, the search, the clustering and the fine-tuning', '0')
    .option('--samples-per-example <k>', 'latent perturbations drawn per source image (default 50)')
    .option('--noise-scale <sigma>', 'standard deviation of the latent perturbations (default 0.5)')
    .option('--checker-confidence <p>', 'the reconstruction classifier\'s least probability of the source label for an example to count (default 0.9)')
    .option('--sources <n>', 'training images used as sources (seeded choice; default 1000)')
    .option('--annotations <file>', 'annotations.json from glassbox defuse annotate: correct the model (reuses the search its scenarios.json records)')
    .option('--accept-source', 'label every scenario with its members\' majority source label, then correct the model')
    .option('--epochs <n>', 'fine-tuning epochs (default 10)')
    .option('--mixture <kind>', 'how scenarios are distilled: bic (Gaussian mixtures, components chosen by BIC; default) or dirichlet-process (truncated variational inference, as the paper)')
    .option('--samples-per-scenario <n>', 'latent codes sampled from each annotated scenario\'s Gaussian for fine-tuning (default 2000)')
    .option('--scenario-sampling <how>', 'recognisable: keep only draws whose decodes the VAE\'s reconstruction classifier still sees as the source class, the search\'s test (default); gaussian: every draw, as in the paper')
    .option('--lambda <w>', 'weight of a scenario row relative to a training row in the fine-tuning loss (default 1)')
    .option('--out <dir>', 'output folder: results.json, scenarios.json, scenario PNGs, vae.json, the corrected model, report.html')
    .option('--format <format>', 'json or html', 'json')
    .option('--quiet', 'no progress output')
    .action(async (flags: DefuseFlags) => {
      const { runDefuse } = await import('./run.js');
      process.stdout.write(await withInterrupt('glassbox defuse', (signal) => runDefuse(flags, signal)));
    });
  defuse
    .command('annotate <scenarios>')
    .description('Set the correct label of failure scenarios (kept in annotations.json beside scenarios.json), for glassbox defuse --annotations.')
    .option('--label <list>', 'scenario ids and their correct classes, e.g. 3=8,5=0')
    .option('--accept-source', 'label every scenario with its members\' majority source label')
    .option('--out <file>', 'the annotations file (default: annotations.json beside scenarios.json; existing labels are kept unless overridden)')
    .action(async (scenarios: string, flags: AnnotateFlags) => {
      const { runAnnotate } = await import('./annotate.js');
      process.stdout.write(await runAnnotate(scenarios, flags));
    });
}
