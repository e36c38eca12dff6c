import type { Command } from 'commander';
import { registerPredictCommand } from './commands/predict.js';
import { registerScanCommand } from './commands/scan.js';

/** Every `glassbox` sub-command, in help order. */
export function registerCommands(program: Command): void {
  registerScanCommand(program);
  registerPredictCommand(program);
}
