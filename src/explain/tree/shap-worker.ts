import { parentPort } from 'node:worker_threads';
import { runTreeShapJob } from './compute.js';
import type { TreeShapJob } from './compute.js';

/** Worker-thread entry: runs one TreeSHAP job and posts progress, then the result (transferred). */
const port = parentPort;
if (port) {
  port.on('message', (job: TreeShapJob) => {
    try {
      const result = runTreeShapJob(job, (done) => port.postMessage({ type: 'progress', done }));
      const transfer = [result.values.buffer, ...(result.interactions ? [result.interactions.buffer] : [])] as ArrayBuffer[];
      port.postMessage({ type: 'done', values: result.values, interactions: result.interactions }, transfer);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
