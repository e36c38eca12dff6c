import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { GlassboxError } from '../../errors.js';
import { resolveThreads, startWorker, WorkerPool } from '../../parallel/worker-pool.js';
import { SAMPLE_CHUNKS, chunkStreams, sampleChunk, sampleRow, writeExplainedRow } from './sampler.js';
import type { ChunkStreams, SamplingPlan } from './sampler.js';
import { CMD, CTRL, DEPTH } from './shared-rows.js';
import type { SharedSampleBuffers } from './shared-rows.js';

/** The samples of one explained row: raw rows for the model and interpretable bit masks. */
export interface SampledRow {
  readonly raw: Float64Array;
  readonly masks: Int32Array;
}

/** Produces each row's samples in order; `release(r)` hands row r's buffers back once they are used. */
export interface RowSampler {
  row(r: number): Promise<SampledRow>;
  release(r: number): void;
  close(): Promise<void>;
}

/** Threads for 'auto': a second thread pays for itself from about 20 000 samples per call. */
export function resolveLimeThreads(threads: number | 'auto', totalSamples: number): number {
  return resolveThreads(threads, totalSamples, 20_000);
}

/** A sampler for `rows` (nRows × f) given x0k per row: on this thread for 1 thread, else with pooled workers. */
export function rowSampler(plan: SamplingPlan, x0k: Int32Array, rows: Float64Array, nRows: number, seed: number, n: number, threads: number): RowSampler {
  return threads <= 1 || nRows === 0 ? sequentialSampler(plan, x0k, rows, seed, n) : new ParallelSampler(plan, x0k, rows, nRows, seed, n, threads - 1);
}

function sequentialSampler(plan: SamplingPlan, x0k: Int32Array, rows: Float64Array, seed: number, n: number): RowSampler {
  const f = plan.nFeatures;
  const words = Math.max(1, Math.ceil(f / 32));
  const raw = new Float64Array(n * f);
  const masks = new Int32Array(n * words);
  const streams = chunkStreams(n);
  return {
    row: (r) => {
      sampleRow(plan, x0k.subarray(r * f, (r + 1) * f), rows.subarray(r * f, (r + 1) * f), seed, n, raw, masks, words, streams);
      return Promise.resolve({ raw, masks });
    },
    release: () => undefined,
    close: () => Promise.resolve(),
  };
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Chunk tasks shared by the main thread and pooled workers through a SharedArrayBuffer counter (see
 * CTRL): workers draw ahead while the main thread runs the model; when the main thread needs a row it
 * draws that row's unclaimed chunks itself and waits for the claimed ones. Every chunk's stream depends
 * only on (seed, chunk), so the bytes are the same for any number of threads.
 */
class ParallelSampler implements RowSampler {
  private readonly ctrl: Int32Array;
  private readonly raw: Float64Array;
  private readonly masks: Int32Array;
  private readonly x0k: Int32Array;
  private readonly words: number;
  private readonly streams: ChunkStreams;
  private readonly finished: Promise<void>;
  private failure: GlassboxError | undefined;
  private workersDone = false;
  private readonly shared: SharedBuffers;

  constructor(
    private readonly plan: SamplingPlan,
    x0k: Int32Array,
    private readonly rows: Float64Array,
    nRows: number,
    private readonly seed: number,
    private readonly n: number,
    workers: number,
  ) {
    const f = plan.nFeatures;
    this.words = Math.max(1, Math.ceil(f / 32));
    this.shared = takeBuffers(CTRL.done + nRows * SAMPLE_CHUNKS, DEPTH * n * f, DEPTH * n * this.words, nRows * f);
    this.ctrl = new Int32Array(this.shared.ctrl);
    this.ctrl.fill(0);
    this.raw = new Float64Array(this.shared.raw);
    this.masks = new Int32Array(this.shared.masks);
    this.x0k = new Int32Array(this.shared.x0k);
    this.x0k.set(x0k);
    this.streams = chunkStreams(n);
    const header = { n, f, words: this.words, nRows, seed };
    this.finished = Promise.all(pool.take(workers).map((w) => startJob(w, plan, this.shared, header))).then(
      () => {
        this.workersDone = true;
      },
      (error: unknown) => {
        this.failure = error instanceof GlassboxError ? error : new GlassboxError('internal', `LIME sampling worker failed: ${String(error)}`);
        this.stop();
      },
    );
  }

  async row(r: number): Promise<SampledRow> {
    const f = this.plan.nFeatures;
    const slot = r % DEPTH;
    const raw = this.raw.subarray(slot * this.n * f, (slot + 1) * this.n * f);
    const masks = this.masks.subarray(slot * this.n * this.words, (slot + 1) * this.n * this.words);
    const end = (r + 1) * SAMPLE_CHUNKS;
    for (;;) {
      const t = Atomics.load(this.ctrl, CTRL.next);
      if (t >= end) break;
      if (Atomics.compareExchange(this.ctrl, CTRL.next, t, t + 1) === t) this.drawTask(t);
    }
    for (let t = r * SAMPLE_CHUNKS; t < end; t++) {
      while (Atomics.load(this.ctrl, CTRL.done + t) === 0) {
        if (this.failure) throw this.failure;
        // A worker that left without drawing a task it claimed (it was stopped): draw it here.
        if (this.workersDone) this.drawTask(t);
        const wait = waitAsync(this.ctrl, CTRL.done + t, 0, 2000);
        if (wait.async) await Promise.race([wait.value, this.finished]);
      }
    }
    writeExplainedRow(this.rows.subarray(r * f, (r + 1) * f), raw, masks, this.words);
    return { raw, masks };
  }

  /** Draws chunk task t (its row is the one being read or earlier, so its slot is free) and marks it done. */
  private drawTask(t: number): void {
    const f = this.plan.nFeatures;
    const row = Math.floor(t / SAMPLE_CHUNKS);
    const slot = row % DEPTH;
    const raw = this.raw.subarray(slot * this.n * f, (slot + 1) * this.n * f);
    const masks = this.masks.subarray(slot * this.n * this.words, (slot + 1) * this.n * this.words);
    sampleChunk(this.plan, this.x0k.subarray(row * f, (row + 1) * f), this.seed, t % SAMPLE_CHUNKS, this.n, raw, masks, this.words, this.streams);
    Atomics.store(this.ctrl, CTRL.done + t, 1);
  }

  release(r: number): void {
    Atomics.store(this.ctrl, CTRL.consumed, r + 1);
    Atomics.notify(this.ctrl, CTRL.consumed);
  }

  private stop(): void {
    Atomics.store(this.ctrl, CTRL.stop, 1);
    Atomics.store(this.ctrl, CTRL.consumed, 0x3fffffff);
    Atomics.notify(this.ctrl, CTRL.consumed);
  }

  /** Stops the workers' claims and waits until they have left the shared buffers. */
  async close(): Promise<void> {
    this.stop();
    await this.finished;
    freeBuffers.push(this.shared);
  }
}

/**
 * A pooled worker: after loading it serves jobs forever from its command block (see sample-worker.ts),
 * receiving plans and buffer sets once each on its side channel.
 */
interface PooledWorker {
  readonly worker: Worker;
  readonly cmd: Int32Array;
  readonly side: MessagePort;
  /** Plan and buffer-set ids this worker already holds. */
  readonly plans: Set<number>;
  readonly buffers: Set<number>;
  /** Resolves when the worker's current job is over (jobs on one worker run one after another). */
  idle: Promise<void>;
  /** Resolves once the worker has loaded its modules and holds its command block. */
  readonly ready: Promise<void>;
  loaded: boolean;
  busy: boolean;
  exited: boolean;
}

/**
 * Shared sample buffers, reused by later calls (allocating and posting fresh SharedArrayBuffers costs
 * milliseconds per call): each worker receives a buffer set once and keeps it by id. A set is taken
 * by one call at a time.
 */
interface SharedBuffers extends SharedSampleBuffers {
  readonly id: number;
}

const freeBuffers: SharedBuffers[] = [];
let nextBufferId = 1;

function takeBuffers(ctrlCells: number, rawValues: number, maskValues: number, x0kValues: number): SharedBuffers {
  const at = freeBuffers.findIndex((b) => b.ctrl.byteLength >= 4 * ctrlCells && b.raw.byteLength >= 8 * rawValues && b.masks.byteLength >= 4 * maskValues && b.x0k.byteLength >= 4 * x0kValues);
  if (at >= 0) return freeBuffers.splice(at, 1)[0]!;
  if (freeBuffers.length > 0) freeBuffers.shift();
  return {
    id: nextBufferId++,
    ctrl: new SharedArrayBuffer(4 * Math.max(ctrlCells, 1024)),
    raw: new SharedArrayBuffer(8 * rawValues),
    masks: new SharedArrayBuffer(4 * maskValues),
    x0k: new SharedArrayBuffer(4 * Math.max(x0kValues, 1024)),
  };
}

const planIds = new WeakMap<SamplingPlan, number>();
let nextPlanId = 1;

function spawn(): PooledWorker {
  // Referenced while it loads and while it runs a job (nothing else keeps the event loop alive while
  // the main thread waits on shared memory), unreferenced when idle so it never keeps the process alive.
  const worker = startWorker(import.meta.url, 'sample-worker');
  const cmd = new Int32Array(new SharedArrayBuffer(4 * CMD.size));
  const channel = new MessageChannel();
  channel.port1.unref();
  const ready = new Promise<void>((resolve) => {
    worker.once('message', () => {
      worker.postMessage({ cmd: cmd.buffer, side: channel.port2 }, [channel.port2]);
      worker.unref();
      pooled.loaded = true;
      resolve();
    });
    worker.once('exit', () => resolve());
  });
  const pooled: PooledWorker = { worker, cmd, side: channel.port1, plans: new Set(), buffers: new Set(), idle: ready, ready, loaded: false, busy: false, exited: false };
  worker.on('exit', () => {
    pooled.exited = true;
    Atomics.store(cmd, CMD.error, 1);
    Atomics.store(cmd, CMD.doneGen, Atomics.load(cmd, CMD.gen));
    Atomics.notify(cmd, CMD.doneGen);
  });
  worker.on('error', () => undefined);
  return pooled;
}

/** Persistent workers shared by all calls; unref'd so they never keep the process alive. */
const pool = new WorkerPool<PooledWorker>(spawn);

/**
 * Starts the pooled sampling workers for `threads` (see the `threads` option) and resolves once they
 * are loaded, so that a first call does not draw everything on the calling thread while they start
 * (like building lime's explainer beforehand). Calls do not need it.
 */
export async function startLimeWorkers(threads: number | 'auto' = 'auto'): Promise<void> {
  const workers = resolveLimeThreads(threads, Infinity) - 1;
  await Promise.all(pool.take(workers).map((w) => w.ready));
}

/** Stops the pooled sampling workers (they also stop with the process); the next parallel call starts new ones. */
export async function closeLimeWorkers(): Promise<void> {
  await pool.close((w) => w.side.close());
}

interface JobHeader {
  readonly n: number;
  readonly f: number;
  readonly words: number;
  readonly nRows: number;
  readonly seed: number;
}

/**
 * Hands a job to a pooled worker through its command block, after its previous job; resolves when it is
 * over. When the worker is loaded and free the job starts synchronously, so the worker is drawing before
 * the caller's first row() claims chunks.
 */
function startJob(pooled: PooledWorker, plan: SamplingPlan, shared: SharedBuffers, h: JobHeader): Promise<void> {
  let id = planIds.get(plan);
  if (id === undefined) planIds.set(plan, (id = nextPlanId++));
  const planId = id;
  const go = (): Promise<void> => {
    if (pooled.exited) return Promise.reject(new GlassboxError('internal', 'LIME sampling worker exited.'));
    pooled.busy = true;
    pooled.worker.ref();
    const gen = kick(pooled, planId, plan, shared, h);
    return awaitDone(pooled, gen).finally(() => {
      pooled.busy = false;
      pooled.worker.unref();
    });
  };
  const run = pooled.loaded && !pooled.busy ? go() : pooled.idle.then(go);
  pooled.idle = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** Sends the plan and buffers the worker lacks on its side channel, writes the job and wakes it; returns the job's generation. */
function kick(pooled: PooledWorker, planId: number, plan: SamplingPlan, shared: SharedBuffers, h: JobHeader): number {
  if (!pooled.plans.has(planId)) {
    pooled.side.postMessage({ planId, plan });
    pooled.plans.add(planId);
  }
  if (!pooled.buffers.has(shared.id)) {
    const { id: bufferId, ...buffers } = shared;
    pooled.side.postMessage({ bufferId, shared: buffers });
    pooled.buffers.add(shared.id);
  }
  const cmd = pooled.cmd;
  const fields: [number, number][] = [[CMD.planId, planId], [CMD.bufferId, shared.id], [CMD.n, h.n], [CMD.f, h.f], [CMD.words, h.words], [CMD.nRows, h.nRows], [CMD.seed, h.seed | 0]];
  for (const [cell, value] of fields) Atomics.store(cmd, cell, value);
  const gen = Atomics.add(cmd, CMD.gen, 1) + 1;
  Atomics.notify(cmd, CMD.gen);
  return gen;
}

async function awaitDone(pooled: PooledWorker, gen: number): Promise<void> {
  const cmd = pooled.cmd;
  while (Atomics.load(cmd, CMD.doneGen) !== gen) {
    const wait = waitAsync(cmd, CMD.doneGen, Atomics.load(cmd, CMD.doneGen), 1000);
    if (wait.async) await wait.value;
  }
  if (Atomics.load(cmd, CMD.error) !== 0) throw new GlassboxError('internal', pooled.exited ? 'LIME sampling worker exited before finishing its job.' : 'LIME sampling worker failed on a job.');
}
