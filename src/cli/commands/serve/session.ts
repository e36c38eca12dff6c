import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitRows } from '../../../demos/splits.js';
import { GlassboxError } from '../../../errors.js';
import { takeRows } from '../../../data/table.js';
import { gatherRows } from '../../../model/tensor.js';
import type { DashboardResults, DashboardSession } from '../../../server/session.js';
import { loadInputs, type InputFlags, type LoadedInputs } from '../../load-inputs.js';

/** The session `glassbox serve` serves: every row of the input (row ids = data rows of the file), its model and encoder. */
export async function loadServeSession(flags: InputFlags & { results?: string }): Promise<{ session: DashboardSession; dispose: () => Promise<void> }> {
  const recorded = flags.results ? await readResults(flags.results) : undefined;
  const inputFlags = flags.demo || flags.data || !recorded ? flags : { ...flags, ...inputsOf(recorded, flags.results!) };
  const inputs = await loadInputs(inputFlags, { seed: 0, rows: 'all', requireLabels: false });
  const table = inputs.all;
  const split = inputs.schema.split;
  const backgroundRows = split ? splitRows(table, split.column, split.testValue).train : undefined;
  const session: DashboardSession = {
    title: inputs.describe?.demo ? `demo:${inputs.describe.demo}` : (inputs.describe?.data ?? flags.data ?? 'the data'),
    table,
    schema: inputs.schema,
    model: inputs.model,
    ...(inputs.encoder ? { encoder: inputs.encoder } : {}),
    ...(inputs.x ? { x: inputs.x } : {}),
    ...(backgroundRows && backgroundRows.length > 0 ? { backgroundRows } : {}),
    ...(inputs.text ? { text: inputs.text } : {}),
    results: recorded ? () => Promise.resolve(recorded) : () => scanServed(inputs, split ? splitRows(table, split.column, split.testValue) : undefined),
  };
  return { session, dispose: async () => inputs.model.dispose?.() };
}

/** One scan of the served inputs, as `glassbox scan` runs it: the test split audited, the training split beside it. */
async function scanServed(inputs: LoadedInputs, split: { train: Int32Array; test: Int32Array } | undefined): Promise<DashboardResults> {
  const { scan } = await import('../../../scan/scan.js');
  const { all, groundTruth: _truth, ...rest } = inputs;
  if (!split || split.test.length === 0) return scan({ ...rest, table: all }, { seed: 0 });
  return scan({
    ...rest,
    table: takeRows(all, split.test),
    train: takeRows(all, split.train),
    ...(inputs.x ? { x: gatherRows(inputs.x, split.test), trainX: gatherRows(inputs.x, split.train) } : {}),
  }, { seed: 0 });
}
/** results.json of a scan's output folder. */
async function readResults(dir: string): Promise<DashboardResults & { input?: { data?: string; model?: string; demo?: string } }> {
  const file = join(dir, 'results.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GlassboxError('invalid_input', `--results ${dir}: there is no readable results.json in it.`, { file, argument: '--results', hint: 'Point --results at the --out folder of glassbox scan.' }, { cause: error });
  }
  try {
    return JSON.parse(text) as DashboardResults;
  } catch (error) {
    throw new GlassboxError('invalid_input', `${file} is not valid JSON (${(error as Error).message}).`, { file, argument: '--results', hint: 'Re-run glassbox scan --out DIR.' });
  }
}

/** The inputs a run recorded: its demo, or its data and model files. */
function inputsOf(results: { input?: { data?: string; model?: string; demo?: string } }, dir: string): InputFlags {
  const input = results.input;
  if (input?.demo) return { demo: input.demo };
  if (input?.data && input.model && !input.model.startsWith('demo:')) return { data: input.data, model: input.model };
  throw new GlassboxError('invalid_argument', `--results ${dir}: results.json does not say which data and model it audited.`, { argument: '--results', hint: 'Pass --data/--model (or --demo) beside --results.' });
}
