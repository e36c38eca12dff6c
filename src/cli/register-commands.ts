import type { Command } from 'commander';
import { registerExplainCommand } from './commands/explain/index.js';
import { registerFairnessCommand } from './commands/fairness.js';
import { registerImportanceCommand } from './commands/importance.js';
import { registerPredictCommand } from './commands/predict.js';
import { registerScanCommand } from './commands/scan.js';
import { registerSlicesCommand } from './commands/slices.js';

/** Every `glassbox` sub-command, in help order. */
export function registerCommands(program: Command): void {
  registerScanCommand(program);
  registerPredictCommand(program);
  registerExplainCommand(program);
  registerImportanceCommand(program);
  registerSlicesCommand(program);
  registerFairnessCommand(program);
}
