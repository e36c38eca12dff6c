import { parentPort } from 'node:worker_threads';
import { SAMPLE_CHUNKS, chunkStreams, sampleChunk } from './sampler.js';
import type { ChunkStreams, SamplingPlan } from './sampler.js';
import { CTRL, DEPTH } from './shared-rows.js';
import type { SampleJob, SharedSampleBuffers } from './shared-rows.js';

/** What the main thread sends: the plan only the first time this worker sees its id. */
export interface SampleRequest {
  readonly planId: number;
  readonly plan?: SamplingPlan;
  readonly job: SampleJob;
}

/**
 * Worker-thread entry of the parallel LIME sampler: claims chunk tasks from the shared counter in
 * order, draws them into the shared row slots (waiting while it is DEPTH rows ahead of the main thread),
 * marks each done, and posts 'done' when no task is left or the job is stopped.
 */
const port = parentPort;
const plans = new Map<number, SamplingPlan>();
const buffers = new Map<number, SharedSampleBuffers>();
let streams: ChunkStreams | undefined;
let streamsFor = 0;

function run(plan: SamplingPlan, job: SampleJob): void {
  const { n, f, words, nRows, seed } = job;
  if (job.shared) buffers.set(job.bufferId, job.shared);
  const shared = buffers.get(job.bufferId);
  if (!shared) throw new Error(`shared buffers ${job.bufferId} were never sent to this worker`);
  const ctrl = new Int32Array(shared.ctrl);
  const raw = new Float64Array(shared.raw);
  const masks = new Int32Array(shared.masks);
  if (!streams || streamsFor !== n) {
    streams = chunkStreams(n);
    streamsFor = n;
  }
  const total = nRows * SAMPLE_CHUNKS;
  for (;;) {
    if (Atomics.load(ctrl, CTRL.stop) !== 0) return;
    const t = Atomics.add(ctrl, CTRL.next, 1);
    if (t >= total) return;
    const row = Math.floor(t / SAMPLE_CHUNKS);
    for (;;) {
      const consumed = Atomics.load(ctrl, CTRL.consumed);
      if (row < consumed + DEPTH || Atomics.load(ctrl, CTRL.stop) !== 0) break;
      Atomics.wait(ctrl, CTRL.consumed, consumed, 1000);
    }
    if (Atomics.load(ctrl, CTRL.stop) !== 0) return;
    const slot = row % DEPTH;
    sampleChunk(plan, job.x0k.subarray(row * f, (row + 1) * f), seed, t % SAMPLE_CHUNKS, n, raw.subarray(slot * n * f, (slot + 1) * n * f), masks.subarray(slot * n * words, (slot + 1) * n * words), words, streams);
    Atomics.store(ctrl, CTRL.done + t, 1);
    Atomics.notify(ctrl, CTRL.done + t);
  }
}

if (port) {
  port.postMessage({ type: 'ready' });
  port.on('message', (request: SampleRequest) => {
    try {
      if (request.plan) plans.set(request.planId, request.plan);
      const plan = plans.get(request.planId);
      if (!plan) throw new Error(`sampling plan ${request.planId} was never sent to this worker`);
      run(plan, request.job);
      port.postMessage({ type: 'done' });
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
