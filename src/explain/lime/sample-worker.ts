import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { SAMPLE_CHUNKS, chunkStreams, sampleChunk } from './sampler.js';
import type { ChunkStreams, SamplingPlan } from './sampler.js';
import { CMD, CTRL, DEPTH } from './shared-rows.js';
import type { SharedSampleBuffers } from './shared-rows.js';

/** What arrives on the worker's side channel: a plan or a buffer set, each once, before the job that uses it. */
export type SideMessage = { readonly planId: number; readonly plan: SamplingPlan } | { readonly bufferId: number; readonly shared: SharedSampleBuffers };

/**
 * Worker-thread entry of the parallel LIME sampler. It is started once with its command block (an
 * Int32 SharedArrayBuffer, see CMD) and a side channel, then loops for its whole life: wait until the
 * main thread bumps cmd[gen], take any plans and buffer sets waiting on the side channel, run the job
 * described by the command block, publish cmd[doneGen] = gen. Jobs start without a postMessage, which
 * can stall the main thread for milliseconds. Within a job it claims chunk tasks from the shared counter
 * in order, draws them into the shared row slots (waiting while it is DEPTH rows ahead of the main
 * thread) and marks each done.
 */
const plans = new Map<number, SamplingPlan>();
const buffers = new Map<number, SharedSampleBuffers>();
let streams: ChunkStreams | undefined;
let streamsFor = 0;

function runJob(cmd: Int32Array): void {
  const plan = plans.get(cmd[CMD.planId]!);
  const shared = buffers.get(cmd[CMD.bufferId]!);
  if (!plan || !shared) throw new Error(`plan ${cmd[CMD.planId]} or buffers ${cmd[CMD.bufferId]} never reached this worker`);
  const n = cmd[CMD.n]!;
  const f = cmd[CMD.f]!;
  const words = cmd[CMD.words]!;
  const total = cmd[CMD.nRows]! * SAMPLE_CHUNKS;
  const seed = cmd[CMD.seed]! >>> 0;
  const ctrl = new Int32Array(shared.ctrl);
  const raw = new Float64Array(shared.raw);
  const masks = new Int32Array(shared.masks);
  const x0k = new Int32Array(shared.x0k);
  if (!streams || streamsFor !== n) {
    streams = chunkStreams(n);
    streamsFor = n;
  }
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
    sampleChunk(plan, x0k.subarray(row * f, (row + 1) * f), seed, t % SAMPLE_CHUNKS, n, raw.subarray(slot * n * f, (slot + 1) * n * f), masks.subarray(slot * n * words, (slot + 1) * n * words), words, streams);
    Atomics.store(ctrl, CTRL.done + t, 1);
    Atomics.notify(ctrl, CTRL.done + t);
  }
}

function serve(cmd: Int32Array, side: MessagePort): void {
  let seen = 0;
  for (;;) {
    Atomics.wait(cmd, CMD.gen, seen);
    const gen = Atomics.load(cmd, CMD.gen);
    if (gen === seen) continue;
    seen = gen;
    for (let m = receiveMessageOnPort(side); m; m = receiveMessageOnPort(side)) {
      const msg = m.message as SideMessage;
      if ('plan' in msg) plans.set(msg.planId, msg.plan);
      else buffers.set(msg.bufferId, msg.shared);
    }
    let error = 0;
    try {
      runJob(cmd);
    } catch {
      error = 1;
    }
    Atomics.store(cmd, CMD.error, error);
    Atomics.store(cmd, CMD.doneGen, gen);
    Atomics.notify(cmd, CMD.doneGen);
  }
}

const port = parentPort;
if (port) {
  port.once('message', (start: { cmd: SharedArrayBuffer; side: MessagePort }) => serve(new Int32Array(start.cmd), start.side));
  port.postMessage({ type: 'ready' });
}
