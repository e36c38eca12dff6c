import { GlassboxError, throwIfAborted } from '../errors.js';

export interface RetryPolicy {
  /** Per-attempt timeout, covering the response body too. */
  readonly timeoutMs: number;
  /** Extra attempts after the first, for 5xx answers, connection errors and timeouts. */
  readonly retries: number;
  /** First backoff delay; doubles after each failed attempt, capped at maxBackoffMs. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface PostOptions extends RetryPolicy {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Names the model in errors. */
  readonly source: string;
}

/** What one attempt gave: a parsed JSON body, or a failure worth retrying. */
type Attempt = { ok: true; json: unknown } | { ok: false; error: GlassboxError };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a JSON body and returns the parsed JSON answer. Retries with exponential backoff on 5xx
 * answers, connection errors and timeouts; a 4xx answer or a body that is not JSON fails at once
 * (retrying cannot fix them). The caller's signal cancels the request in flight.
 */
export async function postJson(url: string, body: string, options: PostOptions): Promise<unknown> {
  let last: GlassboxError | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (attempt - 1)));
    throwIfAborted(options.signal);
    const result = await attemptPost(url, body, options);
    if (result.ok) return result.json;
    last = result.error;
  }
  const attempts = options.retries + 1;
  throw new GlassboxError(last!.code, `${last!.message} (gave up after ${attempts} attempt${attempts > 1 ? 's' : ''})`, { ...last!.details, attempts }, { cause: last });
}

async function attemptPost(url: string, body: string, options: PostOptions): Promise<Attempt> {
  const { source, signal } = options;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let status = 0;
  let statusText = '';
  let text: string;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers }, body, signal: controller.signal });
    status = response.status;
    statusText = response.statusText;
    text = await response.text();
  } catch (cause) {
    throwIfAborted(signal);
    if (timedOut) {
      return { ok: false, error: new GlassboxError('timeout', `${source}: no answer from ${url} within ${options.timeoutMs} ms`, { url, hint: 'Raise timeoutMs, lower batchSize, or check that the server is up.' }) };
    }
    const reason = describeCause(cause);
    return { ok: false, error: new GlassboxError('model_error', `${source}: cannot reach ${url}: ${reason}`, { url, hint: 'Check the URL and that the model server is running.' }) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (status >= 500) {
    return { ok: false, error: new GlassboxError('model_error', `${source}: ${url} answered ${status} ${statusText}: ${excerpt(text)}`, { url, status, hint: 'The server failed; check its logs.' }) };
  }
  if (status >= 400) {
    throw new GlassboxError('model_error', `${source}: ${url} answered ${status} ${statusText} (not retried): ${excerpt(text)}`, {
      url,
      status,
      hint: status === 404 ? 'Check the URL and the model name.' : 'The server rejected the request: check the input name, shape and datatype it expects, and any auth headers.',
    });
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    throw new GlassboxError('model_error', `${source}: ${url} answered ${status} with a body that is not JSON: ${excerpt(text)}`, { url, status, hint: 'Point the adapter at the inference endpoint, and check the protocol option.' });
  }
}

function describeCause(cause: unknown): string {
  const error = cause as { message?: string; cause?: { code?: string; message?: string } };
  return error.cause?.code ?? error.cause?.message ?? error.message ?? String(cause);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length === 0 ? '(empty body)' : flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
