import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { runTreeShapJob } from './compute.js';
import type { TreeShapBlock, TreeShapJob } from './compute.js';

/**
 * How to start a TreeSHAP worker: from the built dist the entry is shap-worker.js next to this module;
 * from source (vitest, tsx) it is shap-worker.ts, started through a small bootstrap that registers
 * tsx's ESM loader inside the worker first (Node 20 ignores --import in a worker's execArgv).
 */
export function workerEntry(): { source: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { source: new URL('./shap-worker.js', here), eval: false };
  const entry = new URL('./shap-worker.ts', here).href;
  // tsx's package exports map "./esm/api" (import condition) to dist/esm/api/index.mjs
  const api = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return { source: code, eval: true };
}

/** Threads to use: explicit count, or 'auto' = min(2, cores) when the job is large enough to pay for startup. */
export function resolveThreads(threads: number | 'auto', workUnits: number): number {
  if (threads === 'auto') return workUnits >= 2_000_000 ? Math.max(1, Math.min(2, availableParallelism())) : 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new GlassboxError('invalid_argument', `threads must be a positive integer or 'auto', got ${threads}`, { argument: 'threads', hint: "Use threads: 1 (this thread), 2, or 'auto'." });
  }
  return threads;
}

function subJob(job: TreeShapJob, from: number, to: number): TreeShapJob {
  const m = job.ensemble.nFeatures;
  return { ...job, rows: job.rows.slice(from * m, to * m), nRows: to - from, groups: job.groups.slice(from, to) };
}

/**
 * Runs a TreeSHAP job on `threads` threads: 1 runs on the calling thread; more split the rows into
 * contiguous blocks, one worker_threads worker each. Cancelling the signal terminates the workers.
 */
export async function runTreeShapParallel(job: TreeShapJob, threads: number, options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<TreeShapBlock> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const n = job.nRows;
  const k = Math.max(1, Math.min(threads, n));
  if (k === 1) return runTreeShapJob(job, (done) => onProgress?.(done, n), signal);
  const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * n) / k));
  const done = new Array<number>(k).fill(0);
  const entry = workerEntry();
  const workers: Worker[] = [];
  const abort = (): void => {
    for (const w of workers) void w.terminate();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const parts = await Promise.all(
      bounds.slice(0, k).map((from, i) => {
        const to = bounds[i + 1]!;
        const worker = new Worker(entry.source, { eval: entry.eval });
        workers.push(worker);
        return new Promise<TreeShapBlock>((resolve, reject) => {
          worker.on('message', (msg: { type: string; done?: number; values?: Float64Array; interactions?: Float64Array; message?: string }) => {
            if (msg.type === 'progress') {
              done[i] = msg.done ?? 0;
              onProgress?.(done.reduce((a, b) => a + b, 0), n);
            } else if (msg.type === 'done') {
              resolve(msg.interactions ? { values: msg.values!, interactions: msg.interactions } : { values: msg.values! });
            } else {
              reject(new GlassboxError('internal', `TreeSHAP worker ${i} failed: ${msg.message ?? 'unknown error'}`));
            }
          });
          worker.on('error', (error) => reject(new GlassboxError('internal', `TreeSHAP worker ${i} crashed: ${error.message}`, {}, { cause: error })));
          worker.on('exit', (code) => {
            if (signal?.aborted) reject(new GlassboxError('cancelled', 'The operation was cancelled before it finished; no partial result is returned.'));
            else if (code !== 0) reject(new GlassboxError('internal', `TreeSHAP worker ${i} exited with code ${code}`));
          });
          worker.postMessage(subJob(job, from, to));
        });
      }),
    );
    return concat(parts, job);
  } finally {
    signal?.removeEventListener('abort', abort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function concat(parts: TreeShapBlock[], job: TreeShapJob): TreeShapBlock {
  const w = job.ensemble.nFeatures + 1;
  const values = new Float64Array(job.nRows * w);
  const interactions = job.interactions ? new Float64Array(job.nRows * w * w) : undefined;
  let vo = 0;
  let io = 0;
  for (const p of parts) {
    values.set(p.values, vo);
    vo += p.values.length;
    if (interactions && p.interactions) {
      interactions.set(p.interactions, io);
      io += p.interactions.length;
    }
  }
  return interactions ? { values, interactions } : { values };
}
