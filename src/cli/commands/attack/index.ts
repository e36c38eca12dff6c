import type { Command } from 'commander';
import { addLabelOptions, addUnknownCategoryOption } from '../../input-options.js';
import type { AttackFlags } from './run.js';

/**
 * `glassbox attack`: FGSM / PGD adversarial examples against a differentiable model, with robust
 * accuracy, the ε curve, minimal flipping ε and the most vulnerable classes. The definition only:
 * run.ts and the engines load when the command runs.
 */
export function registerAttackCommand(program: Command): void {
  const command = program
    .command('attack')
    .description('Adversarial attacks (FGSM, PGD L∞/L2) on a differentiable model (ONNX or TF.js): accuracy before and after, robust accuracy against ε, the smallest ε that flips each row, the most vulnerable classes.')
    .option('--demo <name>', 'a built-in demo: digits or credit')
    .option('--model <file>', 'the model: .onnx (gradients by the onnxruntime engine) or a TF.js model.json')
    .option('--data <file>', 'x.npy, a folder of images (one subfolder per class), or tabular data (CSV, Parquet, …)')
    .option('--labels <file.npy>', 'labels of .npy data, one class index per row')
    .option('--schema <file>', 'tabular data: schema JSON')
    .option('--preprocess <file>', 'tabular data: encoder spec JSON from raw columns to the model input')
    .option('--method <name>', 'fgsm or pgd', 'pgd')
    .option('--epsilon <e>', 'radius of the perturbation (L∞ per element, L2 per row); with --min-epsilon the largest ε tried', '0.1')
    .option('--step-size <a>', 'PGD step size (default 2.5·ε/steps)')
    .option('--steps <t>', 'PGD iterations', '10')
    .option('--random-start <bool>', 'PGD random start: true or false', 'true')
    .option('--norm <norm>', 'linf or l2 (PGD)', 'linf')
    .option('--clip <min,max>', 'valid input range (default 0,1 for images; tabular data: each numeric column\'s range over the training and audited rows)')
    .option('--perturb-categorical', 'tabular data: let the attack move one-hot columns too (frozen by default)')
    .option('--epsilons <a,b,c>', 'also compute robust accuracy at each of these ε (the curve)')
    .option('--min-epsilon', 'also find, by bisection on [0, --epsilon], the smallest ε that flips each row')
    .option('--tolerance <t>', 'bisection tolerance for --min-epsilon (default ε/256)')
    .option('--rows <a:b>', 'rows whose 0-based data row id is in [a, b)')
    .option('--seed <n>', 'seed of the random start', '0')
    .option('--out <file.npy>', 'write the adversarial inputs as float32 .npy (the input tensor\'s shape)')
    .option('--format <format>', 'json, table or html', 'json')
    .option('--quiet', 'no progress output');
  addUnknownCategoryOption(addLabelOptions(command)).action(async (flags: AttackFlags) => {
    const { runAttackCommand } = await import('./run.js');
    await runAttackCommand(flags);
  });
}
