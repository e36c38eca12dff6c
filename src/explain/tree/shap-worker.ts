import { parentPort } from 'node:worker_threads';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { runTreeShapJob } from './compute.js';
import type { TreeShapJob } from './compute.js';

/** What the main thread sends: the ensemble only the first time this worker sees its id. */
export interface WorkerRequest {
  readonly ensembleId: number;
  readonly ensemble?: TreeEnsemble;
  readonly job: Omit<TreeShapJob, 'ensemble'>;
}

/**
 * Worker-thread entry: keeps each ensemble it has been sent (so its TreeSHAP tables are built once per
 * worker), runs jobs one at a time, posts progress, then the result with its buffers transferred.
 */
const port = parentPort;
const ensembles = new Map<number, TreeEnsemble>();
if (port) {
  port.on('message', (request: WorkerRequest) => {
    try {
      if (request.ensemble) ensembles.set(request.ensembleId, request.ensemble);
      const ensemble = ensembles.get(request.ensembleId);
      if (!ensemble) throw new Error(`ensemble ${request.ensembleId} was never sent to this worker`);
      const result = runTreeShapJob({ ...request.job, ensemble }, (done) => port.postMessage({ type: 'progress', done }));
      const transfer = [result.values.buffer, ...(result.interactions ? [result.interactions.buffer] : [])] as ArrayBuffer[];
      port.postMessage({ type: 'done', values: result.values, interactions: result.interactions }, transfer);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
