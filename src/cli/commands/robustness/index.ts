import type { Command } from 'commander';
import type { RobustnessFlags } from './run.js';

/**
 * `glassbox robustness`: accuracy under the 15 ImageNet-C corruptions at 5 severities, CE and mCE.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerRobustnessCommand(program: Command): void {
  program
    .command('robustness')
    .description('Accuracy of an image classifier under the 15 ImageNet-C common corruptions at severities 1–5, with CE / mCE (Hendrycks & Dietterich 2019).')
    .option('--demo <name>', 'a built-in image demo (digits)')
    .option('--model <file>', 'the image model (ONNX, TF.js, …)')
    .option('--data <path>', 'a folder of images (one subfolder per class) or a .npy tensor with values in [0, 1]')
    .option('--labels <file>', '.npy of class indices, one per image (with --data x.npy)')
    .option('--corruptions <list>', 'all, a family (noise, blur, weather, digital) or names: gaussian_noise,fog,…', 'all')
    .option('--severities <list>', 'severities 1–5', '1,2,3,4,5')
    .option('--preset <table>', 'parameter table: auto (by image size and channels), imagenet, tiny, cifar or mnist', 'auto')
    .option('--baseline-model <file>', 'a model to normalise CE by (the paper uses AlexNet): gives CE, relative CE, mCE and relative mCE')
    .option('--rows <a:b>', 'images whose 0-based row id is in [a, b)')
    .option('--seed <n>', 'seed of the corruption noise', '0')
    .option('--save <dir>', 'write a PNG grid per corruption (severities across, examples down) and the corrupted images as .npy')
    .option('--format <format>', 'json, table or html', 'table')
    .option('--quiet', 'no progress output')
    .action(async (flags: RobustnessFlags) => {
      const { runRobustness } = await import('./run.js');
      await runRobustness(flags);
    });
}
