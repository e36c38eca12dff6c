import type { Command } from 'commander';
import { registerCertifyCommand } from './commands/certify/index.js';
import { registerDriftCommand } from './commands/drift/index.js';
import { registerConformalCommand } from './commands/conformal/index.js';
import { registerAttackCommand } from './commands/attack/index.js';
import { registerActivationsCommand } from './commands/activations/index.js';
import { registerCkaCommand } from './commands/cka/index.js';
import { registerProbeCommand } from './commands/probe/index.js';
import { registerProjectCommand } from './commands/project/index.js';
import { registerVogCommand } from './commands/vog/index.js';
import { registerCompressCommand } from './commands/compress/index.js';
import { registerExplainCommand } from './commands/explain/index.js';
import { registerFairnessCommand } from './commands/fairness/index.js';
import { registerMitigateCommand } from './commands/mitigate/index.js';
import { registerImportanceCommand } from './commands/importance/index.js';
import { registerInvarianceCommand } from './commands/invariance/index.js';
import { registerPredictCommand } from './commands/predict/index.js';
import { registerRobustnessCommand } from './commands/robustness/index.js';
import { registerScanCommand } from './commands/scan/index.js';
import { registerServeCommand } from './commands/serve/index.js';
import { registerCounterfactualCommand } from './commands/counterfactual/index.js';
import { registerSlicesCommand } from './commands/slices/index.js';
import { registerLabelIssuesCommand } from './commands/label-issues/index.js';
import { registerChallengerCommand } from './commands/challenger/index.js';
import { registerCalibrationCommand } from './commands/calibration/index.js';
import { registerUncertaintyCommand } from './commands/uncertainty/index.js';
import { registerOodCommand } from './commands/ood/index.js';
import { registerDefuseCommand } from './commands/defuse/index.js';

/**
 * Every `glassbox` sub-command, in help order. Each commands/<name>/index.ts only defines its command
 * (name, options, help); its run.ts, and the engines it uses, are imported when the command runs, so
 * `glassbox --help` loads no engine.
 */
export function registerCommands(program: Command): void {
  registerScanCommand(program);
  registerPredictCommand(program);
  registerExplainCommand(program);
  registerImportanceCommand(program);
  registerSlicesCommand(program);
  registerLabelIssuesCommand(program);
  registerChallengerCommand(program);
  registerFairnessCommand(program);
  registerMitigateCommand(program);
  registerDriftCommand(program);
  registerCalibrationCommand(program);
  registerConformalCommand(program);
  registerAttackCommand(program);
  registerRobustnessCommand(program);
  registerInvarianceCommand(program);
  registerUncertaintyCommand(program);
  registerCertifyCommand(program);
  registerOodCommand(program);
  registerActivationsCommand(program);
  registerCkaCommand(program);
  registerProbeCommand(program);
  registerProjectCommand(program);
  registerVogCommand(program);
  registerCompressCommand(program);
  registerServeCommand(program);
  registerCounterfactualCommand(program);
  registerDefuseCommand(program);
}
