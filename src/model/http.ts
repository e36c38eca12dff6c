import { GlassboxError } from '../errors.js';
import { checkInput, forEachBatch, positiveInt, type DeclaredModelOptions } from './batch-predict.js';
import { postJson, type RetryPolicy } from './http-fetch.js';
import { jsonRequest, kserveRequest, parseJsonResponse, parseKServeResponse, type RawScores } from './http-protocols.js';
import type { InputSpec, Model, PredictOptions } from './model.js';
import { OutputTransform, resolveTask } from './output-transform.js';
import type { Tensor } from './tensor.js';

export type HttpProtocol = 'kserve-v2' | 'json';

/** Omitted input width: any width is sent as given; `outputKind` defaults to 'auto'; `batchSize` to 256 rows per request. */
export interface HttpModelOptions extends DeclaredModelOptions {
  /** kserve-v2: the server's base URL (`http://host:8080`); json: the endpoint URL. */
  readonly url: string;
  readonly protocol: HttpProtocol;
  /** kserve-v2: the model name in `/v2/models/{name}/infer`. */
  readonly modelName?: string;
  /** kserve-v2: input tensor name (default "input"). */
  readonly inputName?: string;
  /** kserve-v2: output to read (default: the first). */
  readonly outputName?: string;
  /** json: dotted path of the rows in the request (default "instances"). */
  readonly instancesPath?: string;
  /** json: dotted path of the scores in the response (default "predictions"). */
  readonly predictionsPath?: string;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** Per-attempt timeout in ms (default 30000). */
  readonly timeoutMs?: number;
  /** Extra attempts on 5xx, connection errors and timeouts (default 3). */
  readonly retries?: number;
  /** First backoff delay in ms, doubled per retry (default 200, capped at maxBackoffMs = 5000). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Extra request headers (e.g. authorization). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A model served over HTTP, speaking the KServe v2 inference protocol or a generic JSON POST
 * (`{instances: number[][]}` → `{predictions: number[][]}`, paths configurable). Rows go out in
 * batches, `concurrency` requests at a time; each request has a timeout and is retried with
 * exponential backoff on 5xx, connection errors and timeouts. 4xx answers and malformed responses
 * (missing field, wrong shape, non-numbers) fail at once with the server's words in the message.
 */
export function httpModel(options: HttpModelOptions): Model {
  const source = `HTTP model ${options.url}`;
  const url = endpoint(options, source);
  const inputShape = options.inputShape ?? (options.inputWidth !== undefined ? [options.inputWidth] : undefined);
  if (inputShape !== undefined && (inputShape.length === 0 || inputShape.some((d) => !(Number.isInteger(d) && d > 0)))) {
    throw new GlassboxError('invalid_argument', `${source}: inputWidth / inputShape must be positive integers, got [${inputShape.join(', ')}]`, { argument: 'inputWidth', hint: 'E.g. inputWidth: encoder.outputWidth.' });
  }
  const inputSpec: InputSpec = Object.freeze({ name: options.inputName ?? 'input', shape: Object.freeze([null, ...(inputShape ?? [null])]), dtype: 'float32' as const });
  const { task, classes } = resolveTask(options, undefined, source);
  const outputWidth = task === 'regression' ? 1 : classes.length;
  const kind = options.outputKind ?? 'auto';
  const batchSize = positiveInt(options.batchSize, 256, 'batchSize', source);
  const concurrency = positiveInt(options.concurrency, 4, 'concurrency', source);
  const policy = retryPolicy(options, source);
  let transform: OutputTransform | undefined;

  const request = async (x: Float32Array, n: number, rowDims: readonly number[], signal: AbortSignal | undefined): Promise<RawScores> => {
    const rowSize = rowDims.reduce((a, b) => a * b, 1);
    const body = options.protocol === 'kserve-v2' ? kserveRequest(x, n, { inputName: inputSpec.name, rowDims }) : jsonRequest(x, n, rowSize, options.instancesPath ?? 'instances');
    const json = await postJson(url, body, { ...policy, source, ...(options.headers ? { headers: options.headers } : {}), ...(signal ? { signal } : {}) });
    return options.protocol === 'kserve-v2' ? parseKServeResponse(json, n, options.outputName, source) : parseJsonResponse(json, n, options.predictionsPath ?? 'predictions', source);
  };

  return Object.freeze({
    task,
    classes,
    inputSpec,
    outputWidth,
    async predict(x: Tensor, predictOptions: PredictOptions = {}): Promise<Float32Array> {
      const { nRows, rowSize } = checkInput(x, inputSpec, source);
      const rowDims = inputShape ?? x.shape.slice(1);
      const out = new Float32Array(nRows * outputWidth);
      await forEachBatch(nRows, batchSize, concurrency, predictOptions.signal, async (start, end) => {
        const scores = await request(x.data.subarray(start * rowSize, end * rowSize), end - start, rowDims, predictOptions.signal);
        transform ??= new OutputTransform({ task, rawWidth: scores.width, kind, source });
        transform.write(scores.values, end - start, out, start);
      });
      return out;
    },
  });
}

function endpoint(options: HttpModelOptions, source: string): string {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new GlassboxError('invalid_argument', `${source}: "${options.url}" is not a URL`, { argument: 'url', hint: 'Give an absolute http(s) URL, e.g. http://127.0.0.1:8080.' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new GlassboxError('invalid_argument', `${source}: only http and https URLs are supported`, { argument: 'url' });
  }
  if (options.protocol === 'json') return base.href;
  if (options.protocol !== 'kserve-v2') {
    throw new GlassboxError('invalid_argument', `${source}: unknown protocol "${String(options.protocol)}"`, { argument: 'protocol', hint: "Use 'kserve-v2' or 'json'." });
  }
  if (!options.modelName) {
    throw new GlassboxError('invalid_argument', `${source}: the kserve-v2 protocol needs modelName`, { argument: 'modelName', hint: 'Requests go to {url}/v2/models/{modelName}/infer.' });
  }
  return `${base.href.replace(/\/+$/, '')}/v2/models/${encodeURIComponent(options.modelName)}/infer`;
}

function retryPolicy(options: HttpModelOptions, source: string): RetryPolicy {
  const nonNegative = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (!(Number.isFinite(value) && value >= 0)) throw new GlassboxError('invalid_argument', `${source}: ${name} must be a non-negative number, got ${value}`, { argument: name });
    return value;
  };
  return {
    timeoutMs: positiveInt(options.timeoutMs, 30_000, 'timeoutMs', source),
    retries: Math.floor(nonNegative(options.retries, 3, 'retries')),
    backoffMs: nonNegative(options.backoffMs, 200, 'backoffMs'),
    maxBackoffMs: nonNegative(options.maxBackoffMs, 5_000, 'maxBackoffMs'),
  };
}

/**
 * An HTTP model from just a URL: a path of the form `/v2/models/{name}[/infer]` means KServe v2
 * (base URL and model name taken from it), anything else the generic JSON protocol.
 */
export function httpModelFromUrl(url: string, options: Omit<HttpModelOptions, 'url' | 'protocol' | 'modelName'> = {}): Model {
  const match = /^(.*?)\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?(?:\/infer)?\/?$/.exec(url);
  if (match) return httpModel({ ...options, url: match[1]!, protocol: 'kserve-v2', modelName: decodeURIComponent(match[2]!) });
  return httpModel({ ...options, url, protocol: 'json' });
}
