import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { runTreeShapJob } from './compute.js';
import type { TreeShapJob } from './compute.js';
import { closeTreeShapWorkers, runTreeShapParallel } from './parallel.js';
import { handEnsemble, randomTree } from '../../../test/fixtures/trees/hand-trees.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const rng = new Rng(5);
const m = 4;
const ensemble = handEnsemble([randomTree(rng, 4, m), randomTree(rng, 4, m), randomTree(rng, 3, m)], m);
const nRows = 41;
const rows = Float64Array.from({ length: nRows * m }, () => Math.floor(rng.next() * 5));
const job: TreeShapJob = { ensemble, algorithm: 'path-dependent', output: 'margin', interactions: true, rows, nRows, groups: new Int32Array(nRows), batchSize: 8 };

afterAll(() => closeTreeShapWorkers());

describe('TreeSHAP worker threads', () => {
  it('2 and 3 pooled workers (started from the .ts sources) reproduce the single-thread result exactly, twice', async () => {
    const one = runTreeShapJob(job);
    for (const threads of [2, 3, 2]) {
      let last = 0;
      const many = await runTreeShapParallel(job, threads, { onProgress: (done) => (last = done) });
      expect(Array.from(many.values)).toEqual(Array.from(one.values));
      expect(Array.from(many.interactions!)).toEqual(Array.from(one.interactions!));
      expect(last).toBe(nRows);
    }
  });

  it('an aborted signal cancels before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runTreeShapParallel(job, 2, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('starts workers from compiled .js files too (the dist layout)', () => {
    // compile the TreeSHAP module graph to plain JS inside node_modules/.cache so packages still resolve
    const out = mkdtempSync(join(repo, 'node_modules', '.cache-glassbox-tree-'));
    try {
      const tsc = resolve(repo, 'node_modules/typescript/bin/tsc');
      const entries = ['src/explain/tree/parallel.ts', 'src/explain/tree/shap-worker.ts', 'test/fixtures/trees/hand-trees.ts'].map((f) => resolve(repo, f));
      execFileSync(process.execPath, [tsc, '--outDir', out, '--rootDir', repo, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node', '--verbatimModuleSyntax', ...entries], { cwd: repo, stdio: 'pipe' });
      const script = join(out, 'check.mjs');
      writeFileSync(
        script,
        `import { runTreeShapParallel, closeTreeShapWorkers } from './src/explain/tree/parallel.js';
import { runTreeShapJob as single } from './src/explain/tree/compute.js';
import { handEnsemble } from './test/fixtures/trees/hand-trees.js';
const e = handEnsemble([{ f: 0, t: 1, cover: 4, l: { leaf: 1, cover: 2 }, r: { f: 1, t: 2, cover: 2, l: { leaf: 2, cover: 1 }, r: { leaf: 3, cover: 1 } } }], 2);
const rows = Float64Array.of(0, 0, 1, 1, 2, 3, 0, 5);
const job = { ensemble: e, algorithm: 'path-dependent', output: 'margin', interactions: false, rows, nRows: 4, groups: new Int32Array(4) };
const a = await runTreeShapParallel(job, 2);
const b = single(job);
await closeTreeShapWorkers();
process.stdout.write(JSON.stringify({ same: Array.from(a.values).join() === Array.from(b.values).join(), n: a.values.length }));
`,
      );
      const result = JSON.parse(execFileSync(process.execPath, [script], { cwd: repo, encoding: 'utf8' })) as { same: boolean; n: number };
      expect(result).toEqual({ same: true, n: 12 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
