/**
 * Whole-process CLI startup: `node dist/cli/main.js --help`, `<command> --help` for every command, and
 * `predict` on a 50-row CSV with the german-credit ONNX MLP, each spawned RUNS times (median wall
 * time). Needs `npm run build` first.
 *
 * Reference figures: a bare `node -e 0` for the help lines (the floor any Node CLI pays), and for
 * predict a bare script that imports onnxruntime-node and scores the same number of rows with the
 * same model (the engine's own floor). GLASSBOX_STARTUP_COMPARE=/path/to/other/dist/cli/main.js
 * puts another build in the reference column instead (e.g. a build from before a change).
 *
 * Run alone: `npx tsx bench/startup.bench.ts` (GLASSBOX_STARTUP_RUNS sets the spawns per line, default 11).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DATASETS_DIR, REFERENCE_DIR } from '../test/support/reference.js';
import { printResults, type BenchResult } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = resolve(root, 'dist/cli/main.js');
const RUNS = Number(process.env.GLASSBOX_STARTUP_RUNS ?? 11);
const COMMANDS = ['scan', 'predict', 'explain', 'importance', 'slices', 'fairness'];
const PREDICT_ROWS = 50;

/** A preload that prints the process's CPU time (user + system, all threads) when it exits. */
const CPU_HOOK = `data:text/javascript,${encodeURIComponent("process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nglassbox-cpu-us ' + (u.user + u.system) + '\\n'); });")}`;

interface Timing {
  /** Median wall seconds. */
  readonly wall: number;
  /** Median CPU seconds of the process: steadier than wall time on a loaded machine. */
  readonly cpu: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Wall and CPU time of `runs` spawns of node with these arguments (after one untimed warm-up for the file cache). */
function spawnMedian(args: readonly string[], runs = RUNS): Timing {
  const once = (): Timing => {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], { cwd: root, encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 400)}`);
    const cpu = Number(/glassbox-cpu-us (\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / 1e6;
    return { wall, cpu };
  };
  once();
  const times = Array.from({ length: runs }, once);
  return { wall: median(times.map((t) => t.wall)), cpu: median(times.map((t) => t.cpu)) };
}

const cpuNote = (ours: Timing, ref: Timing | undefined): string => `CPU ${ours.cpu.toFixed(3)} s${ref ? ` vs ${ref.cpu.toFixed(3)} s` : ''}`;

/** A bare onnxruntime-node script scoring `rows` rows of the model: the engine's floor for predict. */
function bareOnnxScript(dir: string, model: string, rows: number): string {
  const script = join(dir, 'bare-onnx.mjs');
  const ort = pathToFileURL(resolve(root, 'node_modules/onnxruntime-node/dist/index.js')).href;
  writeFileSync(
    script,
    `import * as ort from ${JSON.stringify(ort)};
const session = await ort.InferenceSession.create(${JSON.stringify(model)});
const width = 61;
const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(${rows} * width).fill(0.5), [${rows}, width]) });
process.stdout.write(String(Object.keys(out).length));
`,
  );
  return script;
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(main)) throw new Error(`${main} not found: run npm run build first`);
  const compare = process.env.GLASSBOX_STARTUP_COMPARE;
  const other = compare ? resolve(compare) : undefined;
  const source = other ? `build at ${other}` : undefined;
  const results: BenchResult[] = [];
  const floor = other ? undefined : spawnMedian(['-e', '0']);
  const line = (name: string, args: readonly string[], reference: Timing | undefined, referenceSource: string, note?: string): void => {
    const ours = spawnMedian([main, ...args]);
    const ref = other ? spawnMedian([other, ...args]) : reference;
    const notes = [cpuNote(ours, ref), ...(note ? [note] : [])].join('; ');
    results.push({ name, ours: ours.wall, unit: 's', ...(ref === undefined ? {} : { reference: ref.wall, referenceSource: source ?? referenceSource }), note: notes });
  };
  line('glassbox --help', ['--help'], floor, 'bare node -e 0');
  for (const command of COMMANDS) line(`glassbox ${command} --help`, [command, '--help'], floor, 'bare node -e 0');

  const german = resolve(REFERENCE_DIR, 'german-credit');
  const model = resolve(german, 'mlp.onnx');
  if (!existsSync(model)) return results;
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-startup-'));
  try {
    const lines = readFileSync(resolve(DATASETS_DIR, 'german_credit.csv'), 'utf8').split('\n');
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, `${lines.slice(0, PREDICT_ROWS + 1).join('\n')}\n`);
    const bare = other ? undefined : spawnMedian([bareOnnxScript(dir, model, PREDICT_ROWS)]);
    const args = ['predict', '--model', model, '--data', csv, '--schema', resolve(german, 'schema.json'), '--preprocess', resolve(german, 'preprocess.json')];
    line(`glassbox predict, ${PREDICT_ROWS}-row CSV, ONNX MLP`, args, bare, 'bare onnxruntime-node: import, session, one run', 'includes reading the CSV (DuckDB) and encoding');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('startup', await run());
