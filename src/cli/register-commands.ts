import type { Command } from 'commander';

type RegisterCommand = (program: Command) => void;

/**
 * Every `glassbox` sub-command, in help order, with the module that defines it. Each
 * commands/<name>/index.ts only defines its command (name, options, help); its run.ts, and the engines it
 * uses, are imported when the command runs, so `glassbox --help` loads no engine.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<RegisterCommand>])[] = [
  ['scan', async () => (await import('./commands/scan/index.js')).registerScanCommand],
  ['predict', async () => (await import('./commands/predict/index.js')).registerPredictCommand],
  ['explain', async () => (await import('./commands/explain/index.js')).registerExplainCommand],
  ['importance', async () => (await import('./commands/importance/index.js')).registerImportanceCommand],
  ['slices', async () => (await import('./commands/slices/index.js')).registerSlicesCommand],
  ['label-issues', async () => (await import('./commands/label-issues/index.js')).registerLabelIssuesCommand],
  ['challenger', async () => (await import('./commands/challenger/index.js')).registerChallengerCommand],
  ['fairness', async () => (await import('./commands/fairness/index.js')).registerFairnessCommand],
  ['mitigate', async () => (await import('./commands/mitigate/index.js')).registerMitigateCommand],
  ['drift', async () => (await import('./commands/drift/index.js')).registerDriftCommand],
  ['calibration', async () => (await import('./commands/calibration/index.js')).registerCalibrationCommand],
  ['conformal', async () => (await import('./commands/conformal/index.js')).registerConformalCommand],
  ['attack', async () => (await import('./commands/attack/index.js')).registerAttackCommand],
  ['robustness', async () => (await import('./commands/robustness/index.js')).registerRobustnessCommand],
  ['invariance', async () => (await import('./commands/invariance/index.js')).registerInvarianceCommand],
  ['uncertainty', async () => (await import('./commands/uncertainty/index.js')).registerUncertaintyCommand],
  ['certify', async () => (await import('./commands/certify/index.js')).registerCertifyCommand],
  ['ood', async () => (await import('./commands/ood/index.js')).registerOodCommand],
  ['activations', async () => (await import('./commands/activations/index.js')).registerActivationsCommand],
  ['cka', async () => (await import('./commands/cka/index.js')).registerCkaCommand],
  ['probe', async () => (await import('./commands/probe/index.js')).registerProbeCommand],
  ['project', async () => (await import('./commands/project/index.js')).registerProjectCommand],
  ['vog', async () => (await import('./commands/vog/index.js')).registerVogCommand],
  ['compress', async () => (await import('./commands/compress/index.js')).registerCompressCommand],
  ['serve', async () => (await import('./commands/serve/index.js')).registerServeCommand],
  ['counterfactual', async () => (await import('./commands/counterfactual/index.js')).registerCounterfactualCommand],
  ['defuse', async () => (await import('./commands/defuse/index.js')).registerDefuseCommand],
];

/**
 * Registers the sub-commands on `program`. When argv names one (`glassbox <name> …`), only that one's
 * definition is loaded: a command's start does not pay for importing the other definitions. Anything
 * else (`--help`, `help <name>`, a mistyped name) gets all of them, so help and suggestions are complete.
 */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const named = COMMANDS.find(([name]) => name === argv[2]);
  const registers = await Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
  for (const register of registers) register(program);
}
