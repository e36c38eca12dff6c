import type { Command } from 'commander';
import type { CertifyFlags } from './run.js';

/**
 * `glassbox certify`: certified robustness (IBP, CROWN) of a ReLU network around each example.
 * The definition only: the implementation (run.ts) and the engines it needs load when the command runs.
 */
export function registerCertifyCommand(program: Command): void {
  program
    .command('certify')
    .description('Certified robustness of a ReLU network (ONNX, or the digits demo CNN): sound lower/upper bounds of each logit over the L∞ ε-box of every example by IBP or CROWN, and the certified accuracy.')
    .option('--model <file>', 'an ONNX model of Conv, Gemm/MatMul, BatchNormalization, Relu, MaxPool, AveragePool, Pad, Flatten/Reshape and Add')
    .option('--data <file>', 'inputs as a .npy tensor [n, …model input shape] (or [n, size] reshaped to it)')
    .option('--labels <file>', 'one integer class index per row of --data (.npy)')
    .option('--demo <name>', 'a built-in image demo (digits): its test split and CNN')
    .option('--method <method>', 'ibp, crown, crown-ibp (CROWN on interval intermediate bounds) or both (IBP and CROWN side by side)', 'crown')
    .requiredOption('--epsilon <e>', 'L∞ radius of the box around each input')
    .option('--clip <min,max>', "valid input range the box is clipped to, or 'none'", '0,1')
    .option('--rows <a:b>', 'certify data rows whose 0-based row id is in [a, b) (default: all; the demo: the first 200 test rows)')
    .option('--output <name>', 'ONNX graph output to bound (default: the first; a trailing Softmax is skipped)')
    .option('--quiet', 'no progress output')
    .option('--format <format>', 'json, table or html', 'table')
    .action(async (flags: CertifyFlags) => {
      const { runCertify } = await import('./run.js');
      await runCertify(flags);
    });
}
