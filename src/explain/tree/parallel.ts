import type { Worker } from 'node:worker_threads';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { resolveThreads as resolvePoolThreads, startWorker, WorkerPool } from '../../parallel/worker-pool.js';
import { runTreeShapJob } from './compute.js';
import type { TreeShapBlock, TreeShapJob } from './compute.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';

/** Threads to use: explicit count, or 'auto' = min(2, cores) when the job is large enough to pay for startup. */
export function resolveThreads(threads: number | 'auto', workUnits: number): number {
  return resolvePoolThreads(threads, workUnits, 2_000_000);
}

interface PooledWorker {
  readonly worker: Worker;
  /** Ensemble ids this worker already holds. */
  readonly sent: Set<number>;
  /** Resolves when the worker's current job is over (jobs on one worker run one after another). */
  idle: Promise<void>;
}

const ensembleIds = new WeakMap<TreeEnsemble, number>();
let nextEnsembleId = 1;

/** Persistent workers shared by all calls; unref'd while idle so they never keep the process alive. */
const pool = new WorkerPool<PooledWorker>(() => {
  const worker = startWorker(import.meta.url, 'shap-worker');
  worker.unref();
  return { worker, sent: new Set(), idle: Promise.resolve() };
});

function ensembleId(e: TreeEnsemble): number {
  let id = ensembleIds.get(e);
  if (id === undefined) {
    id = nextEnsembleId++;
    ensembleIds.set(e, id);
  }
  return id;
}

/** Stops the pooled workers (they also stop with the process); the next parallel call starts new ones. */
export async function closeTreeShapWorkers(): Promise<void> {
  await pool.close();
}

type WorkerMessage = { type: string; done?: number; values?: Float64Array; interactions?: Float64Array; message?: string };

/** Runs rows [from, to) of the job on one pooled worker. */
function runOnWorker(pooled: PooledWorker, job: TreeShapJob, from: number, to: number, onDone: (done: number) => void): Promise<TreeShapBlock> {
  const m = job.ensemble.nFeatures;
  const id = ensembleId(job.ensemble);
  const run = pooled.idle.then(
    () =>
      new Promise<TreeShapBlock>((resolve, reject) => {
        const { worker } = pooled;
        const cleanup = (): void => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          worker.unref();
        };
        const onMessage = (msg: WorkerMessage): void => {
          if (msg.type === 'progress') return onDone(msg.done ?? 0);
          cleanup();
          if (msg.type === 'done') resolve(msg.interactions ? { values: msg.values!, interactions: msg.interactions } : { values: msg.values! });
          else reject(new GlassboxError('internal', `TreeSHAP worker failed: ${msg.message ?? 'unknown error'}`));
        };
        const onError = (error: Error): void => {
          cleanup();
          reject(new GlassboxError('internal', `TreeSHAP worker crashed: ${error.message}`, {}, { cause: error }));
        };
        const onExit = (): void => {
          cleanup();
          reject(new GlassboxError('cancelled', 'The operation was cancelled before it finished; no partial result is returned.'));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.ref();
        const { ensemble: _e, ...rest } = job;
        const first = !pooled.sent.has(id);
        pooled.sent.add(id);
        worker.postMessage({ ensembleId: id, ...(first ? { ensemble: job.ensemble } : {}), job: { ...rest, rows: job.rows.slice(from * m, to * m), nRows: to - from, groups: job.groups.slice(from, to) } });
      }),
  );
  pooled.idle = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * Runs a TreeSHAP job on `threads` threads: 1 runs on the calling thread; more split the rows into
 * contiguous blocks, one pooled worker_threads worker each (workers persist between calls and keep
 * each ensemble's tables). Cancelling the signal terminates the workers involved.
 */
export async function runTreeShapParallel(job: TreeShapJob, threads: number, options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<TreeShapBlock> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const n = job.nRows;
  const k = Math.max(1, Math.min(threads, n));
  if (k === 1) return runTreeShapJob(job, (done) => onProgress?.(done, n), signal);
  const workers = pool.take(k);
  const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * n) / k));
  const done = new Array<number>(k).fill(0);
  const abort = (): void => {
    for (const w of workers) void w.worker.terminate();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const parts = await Promise.all(
      workers.map((w, i) =>
        runOnWorker(w, job, bounds[i]!, bounds[i + 1]!, (d) => {
          done[i] = d;
          onProgress?.(done.reduce((a, b) => a + b, 0), n);
        }),
      ),
    );
    return concat(parts, job);
  } finally {
    signal?.removeEventListener('abort', abort);
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
