import { GlassboxError } from '../../../errors.js';
import { readWholeFile } from '../../../io/read-whole-file.js';
import { peekNpyHeader, readNpy } from '../../../data/npy.js';
import { cka, prepareCka, type CkaOptions, type MatrixDescription } from '../../../represent/cka/cka.js';
import type { RepresentationMatrix } from '../../../represent/cka/matrix.js';
import { minibatchCka } from '../../../represent/cka/minibatch.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { parseChoice, parseIntegerFlag, positiveFlag } from '../../options.js';
import { renderBlocks } from '../../render.js';

export interface CkaFlags {
  x?: string;
  y?: string;
  model?: string;
  modelB?: string;
  data?: string;
  layers?: string;
  layersB?: string;
  rows?: string;
  kernel?: string;
  debiased?: boolean;
  minibatch?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** `glassbox cka`: two matrices → one value; one or two models → a layer × layer matrix. */
export async function runCka(flags: CkaFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const kernel = parseChoice('--kernel', flags.kernel, ['linear', 'rbf'] as const, 'linear');
  if (flags.model && (flags.x || flags.y)) throw new GlassboxError('invalid_argument', 'Use either --x/--y (two matrices) or --model/--data (layers), not both.', { argument: '--x' });
  if (flags.model) return (await import('./run-layers.js')).runLayers(flags, format, kernel);
  if (!flags.x || !flags.y) throw new GlassboxError('invalid_argument', 'Pass --x a.npy and --y b.npy (two representations of the same examples), or --model with --data.', { argument: flags.x ? '--y' : '--x', hint: 'e.g. glassbox cka --x acts_a.npy --y acts_b.npy' });
  const minibatch = flags.minibatch === undefined ? undefined : positiveFlag('--minibatch', flags.minibatch, 256, 4);
  const xRead = matrixFile(flags.x, '--x');
  const yRead = matrixFile(flags.y, '--y');
  if (minibatch === undefined) prepareFromHeaders(flags.x, flags.y, { kernel, debiased: flags.debiased ?? false });
  const [x, y] = await Promise.all([xRead, yRead]);
  const names = [`--x ${flags.x}`, `--y ${flags.y}`] as const;
  if (minibatch !== undefined && (kernel !== 'linear')) throw new GlassboxError('invalid_argument', '--minibatch computes linear CKA.', { argument: '--minibatch', hint: 'Drop --kernel rbf.' });
  const result = minibatch !== undefined
    ? { ...minibatchCka(x, y, { batchSize: minibatch, seed: parseIntegerFlag('--seed', flags.seed, 0), names }), kernel, debiased: true, n: x.rows }
    : await cka(x, y, { kernel, debiased: flags.debiased ?? false, names });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: `CKA (${kernel}${result.debiased ? ', unbiased HSIC' : ''}) between ${flags.x} (${x.rows} × ${x.cols}) and ${flags.y} (${y.rows} × ${y.cols}): **${result.cka.toFixed(4)}**.` }];
  process.stdout.write(await renderBlocks(format, 'glassbox cka', blocks));
}

/**
 * Builds the engine's session from the two files' headers while their data are read (both run at once:
 * the reads on libuv's threads, the session on this one).
 */
function prepareFromHeaders(xPath: string, yPath: string, options: CkaOptions): void {
  const describe = (path: string): MatrixDescription | undefined => {
    const header = peekNpyHeader(path);
    if (!header || header.shape.length < 2 || header.fortran) return undefined;
    const rows = header.shape[0]!;
    return { rows, cols: header.shape.slice(1).reduce((a, b) => a * b, 1), float32: header.descr === '<f4' };
  };
  const x = describe(xPath);
  const y = describe(yPath);
  if (x && y) prepareCka(x, y, options);
}

/** An .npy file as an n × d matrix (rank > 2 flattened per row); float32 and float64 data are not copied. */
async function matrixFile(path: string, flag: string): Promise<RepresentationMatrix> {
  if (!path.endsWith('.npy')) throw new GlassboxError('invalid_argument', `${flag} ${path}: representations are read from .npy files.`, { argument: flag, file: path, hint: 'Save the matrix with numpy.save, or write it with glassbox activations.' });
  const array = readNpy(await readWholeFile(path), path, { view: true });
  if (array.shape.length < 2) throw new GlassboxError('shape_mismatch', `${path} has shape [${array.shape.join(', ')}]; a representation is n × d (one row per example).`, { file: path, argument: flag });
  const rows = array.shape[0]!;
  const data = array.data instanceof Float64Array || array.data instanceof Float32Array ? array.data : array.data instanceof BigInt64Array ? Float64Array.from(array.data, Number) : Float32Array.from(array.data);
  return { data, rows, cols: data.length / rows };
}
