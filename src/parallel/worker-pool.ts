import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GlassboxError } from '../errors.js';

/**
 * Worker-thread plumbing shared by the explainers that run a pool (TreeSHAP's row blocks, LIME's
 * sampling): how to start a worker module from the built dist or from source, how many threads 'auto'
 * means, and a pool of persistent workers that leave it when they exit.
 */

/**
 * Starts the worker module `name` (without extension) that sits next to the module at `here`
 * (its import.meta.url). From the built dist that is `name.js`; from source (vitest, tsx) it is
 * `name.ts`, started through a small bootstrap that registers tsx's ESM loader inside the worker first
 * (Node 20 ignores --import in a worker's execArgv).
 */
export function startWorker(here: string, name: string): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here));
  const entry = new URL(`./${name}.ts`, here).href;
  // tsx's package exports map "./esm/api" (import condition) to dist/esm/api/index.mjs
  const api = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Threads to use: an explicit count (a positive integer), or 'auto' = min(2, cores) when `work` reaches
 * `autoThreshold` (enough to pay for starting a worker), else 1.
 */
export function resolveThreads(threads: number | 'auto', work: number, autoThreshold: number): number {
  if (threads === 'auto') return work >= autoThreshold ? Math.max(1, Math.min(2, availableParallelism())) : 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new GlassboxError('invalid_argument', `threads must be a positive integer or 'auto', got ${threads}`, { argument: 'threads', hint: "Use threads: 1 (this thread), 2, or 'auto'." });
  }
  return threads;
}

/**
 * Persistent workers shared by all calls of one explainer. Members are created on demand by `spawn`
 * (which decides when a worker is ref'd; idle workers should be unref'd so they never keep the process
 * alive) and leave the pool when their thread exits, so the next call starts fresh ones.
 */
export class WorkerPool<W extends { readonly worker: Worker }> {
  private readonly members: W[] = [];

  constructor(private readonly spawn: () => W) {}

  /** The first `k` members, starting the missing ones. */
  take(k: number): W[] {
    while (this.members.length < k) {
      const member = this.spawn();
      this.members.push(member);
      member.worker.once('exit', () => {
        const at = this.members.indexOf(member);
        if (at >= 0) this.members.splice(at, 1);
      });
    }
    return this.members.slice(0, k);
  }

  /** Empties the pool and stops every member (after `beforeStop`, e.g. closing a side channel). */
  async close(beforeStop?: (member: W) => void): Promise<void> {
    const members = this.members.splice(0, this.members.length);
    await Promise.all(
      members.map(async (member) => {
        beforeStop?.(member);
        await member.worker.terminate();
      }),
    );
  }
}
