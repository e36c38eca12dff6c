import * as ort from 'onnxruntime-node';
import { GlassboxError, throwIfAborted } from '../errors.js';
import { Rng } from '../rng.js';
import { checkInput } from './batch-predict.js';
import type { Stochastic } from './capabilities.js';
import type { InputSpec } from './model.js';
import type { DropoutRewrite, DropoutSite } from './onnx-dropout-rewrite.js';
import type { OutputTransform } from './output-transform.js';
import type { Tensor } from './tensor.js';

export interface OnnxMcDropoutConfig {
  readonly rewrite: DropoutRewrite;
  readonly source: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputSpec: InputSpec;
  readonly batchSize: number;
  readonly rawWidth: number;
  readonly outputWidth: number;
  /** The deterministic model's transform (logits → probabilities), so both agree on the output kind. */
  readonly transform: OutputTransform;
  readonly sessionOptions: ort.InferenceSession.SessionOptions;
}

/**
 * Inverted-dropout mask values for `count` units: 1/(1−p) with probability 1−p, else 0 (Srivastava et
 * al. 2014). One 32-bit draw per unit (a unit is dropped when the draw is below p·2³², so the drop
 * probability is p to within 2⁻³²).
 */
export function dropoutMask(count: number, rate: number, rng: Rng, out = new Float32Array(count)): Float32Array {
  if (rate <= 0) return out.fill(1);
  const scale = 1 / (1 - rate);
  const cut = rate * 4294967296;
  for (let i = 0; i < count; i++) out[i] = rng.nextUint32() >= cut ? scale : 0;
  return out;
}

/**
 * MC dropout for an ONNX model whose Dropout nodes were rewritten into `Mul(x, mask)` (see
 * rewriteDropout): each pass draws one Bernoulli mask per Dropout site from its own child stream of
 * `Rng(seed)`, row by row, so the masks — and the bytes of the result — depend on the seed only, not
 * on the batch size. With every ratio 0 the masks are ones and the passes equal `predict` exactly.
 */
export class OnnxMcDropout {
  #session: Promise<{ masked: ort.InferenceSession; probe: ort.InferenceSession }> | undefined;
  /** Per-row dims of each Dropout input, keyed by the input's row shape. */
  readonly #rowDims = new Map<string, number[][]>();

  constructor(private readonly config: OnnxMcDropoutConfig) {}

  get sites(): readonly DropoutSite[] {
    return this.config.rewrite.sites;
  }

  readonly sample: Stochastic['sample'] = async (x, samples, seed) => {
    if (!Number.isInteger(samples) || samples < 1) {
      throw new GlassboxError('invalid_argument', `sample: samples must be a positive integer (got ${samples})`, { argument: 'samples', hint: 'Use e.g. 30 MC-dropout passes.' });
    }
    return this.run(x, samples, seed);
  };

  /** `samples` passes; `signal` is checked between batches. */
  async run(x: Tensor, samples: number, seed: number, signal?: AbortSignal): Promise<Float32Array> {
    const { inputSpec, source, batchSize, outputWidth, inputName, outputName, transform, rawWidth } = this.config;
    const { nRows, rowSize } = checkInput(x, inputSpec, source);
    if (nRows === 0) return new Float32Array(0);
    const sessions = await this.#sessions();
    const dims = await this.#maskDims(sessions.probe, x, rowSize);
    const perRow = dims.map((d) => d.reduce((a, b) => a * b, 1));
    const sites = this.sites;
    const rowDims = x.shape.slice(1);
    const out = new Float32Array(samples * nRows * outputWidth);
    const masks = sites.map((_, k) => new Float32Array(Math.min(nRows, batchSize) * perRow[k]!));
    const root = new Rng(seed);
    for (let s = 0; s < samples; s++) {
      const streams = sites.map(() => root.fork());
      const pass = out.subarray(s * nRows * outputWidth, (s + 1) * nRows * outputWidth);
      for (let start = 0; start < nRows; start += batchSize) {
        throwIfAborted(signal);
        const n = Math.min(nRows, start + batchSize) - start;
        const feeds: Record<string, ort.Tensor> = { [inputName]: new ort.Tensor('float32', x.data.subarray(start * rowSize, (start + n) * rowSize), [n, ...rowDims]) };
        sites.forEach((site, k) => {
          const mask = dropoutMask(n * perRow[k]!, site.rate, streams[k]!, masks[k]!.subarray(0, n * perRow[k]!));
          feeds[site.maskInput] = new ort.Tensor('float32', mask, [n, ...dims[k]!]);
        });
        const result = await sessions.masked.run(feeds, [outputName]).catch((cause: unknown) => {
          throw new GlassboxError('model_error', `${source}: onnxruntime failed on an MC-dropout pass (rows ${start}..${start + n - 1}): ${(cause as Error).message.split('\n')[0] ?? ''}`, { file: source, row: start }, { cause });
        });
        const raw = result[outputName]!.data as Float32Array;
        if (raw.length !== n * rawWidth) throw new GlassboxError('model_error', `${source}: an MC-dropout pass returned ${raw.length} values for ${n} rows`, { file: source });
        transform.write(raw, n, pass, start);
      }
    }
    return out;
  }

  #sessions(): Promise<{ masked: ort.InferenceSession; probe: ort.InferenceSession }> {
    this.#session ??= (async () => {
      const { rewrite, sessionOptions } = this.config;
      const [masked, probe] = await Promise.all([ort.InferenceSession.create(rewrite.masked, sessionOptions), ort.InferenceSession.create(rewrite.probe, sessionOptions)]);
      return { masked, probe };
    })();
    return this.#session;
  }

  /** Per-row dims of each Dropout input, read by running the deterministic graph on one row. */
  async #maskDims(probe: ort.InferenceSession, x: Tensor, rowSize: number): Promise<number[][]> {
    const { inputName, source } = this.config;
    const key = x.shape.slice(1).join('x');
    const cached = this.#rowDims.get(key);
    if (cached) return cached;
    const row = new ort.Tensor('float32', x.data.slice(0, rowSize), [1, ...x.shape.slice(1)]);
    const result = await probe.run({ [inputName]: row }, this.sites.map((s) => s.input));
    const dims = this.sites.map((site) => {
      const shape = result[site.input]!.dims;
      if (shape[0] !== 1) {
        throw new GlassboxError('unsupported_model', `${source}: the input of Dropout node "${site.node}" is not batch-major (shape [${shape.join(', ')}] for one row)`, { file: source, hint: 'MC dropout needs Dropout inputs whose first dimension is the batch.' });
      }
      return shape.slice(1) as number[];
    });
    this.#rowDims.set(key, dims);
    return dims;
  }

  async dispose(): Promise<void> {
    if (!this.#session) return;
    const { masked, probe } = await this.#session;
    await Promise.all([masked.release(), probe.release()]);
  }
}
