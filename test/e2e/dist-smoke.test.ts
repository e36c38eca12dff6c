import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPath, REPO_ROOT, referencePath, useReference } from '../support/reference.js';

const run = promisify(execFile);

/**
 * The built package, run as a user runs it: `tsc -p tsconfig.build.json` (npm run build) into a temporary package folder
 * that holds what package.json's "files" ships (dist built here, the rest linked from the repo) and the
 * repo's node_modules, then `node dist/cli/main.js …` in a subprocess. Every other e2e test calls
 * src/cli/program in-process, so only this one catches a broken build, a missing shipped file or a
 * worker entry that cannot start from dist.
 */
describe('the built package (node dist/cli/main.js in a subprocess)', () => {
  const root = mkdtempSync(join(tmpdir(), 'glassbox-dist-'));
  const pkg = join(root, 'glassbox');
  const out = join(root, 'out');
  const glassbox = (args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> =>
    run(process.execPath, [join(pkg, 'dist/cli/main.js'), ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }),
    );

  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    // npm run build's tsc and tsconfig, emitting only JavaScript: --noCheck skips the type check that
    // `npm run typecheck` already runs first in `npm test` (about 5 s of CPU instead of 30).
    await run(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist'), '--declaration', 'false', '--sourceMap', 'false', '--noCheck'], { cwd: REPO_ROOT });
    writeFileSync(join(pkg, 'package.json'), readFileSync(join(REPO_ROOT, 'package.json')));
    for (const entry of manifest.files.filter((f) => f !== 'dist')) if (existsSync(join(REPO_ROOT, entry))) symlinkSync(join(REPO_ROOT, entry), join(pkg, entry));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ships no test code', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else files.push(join(dir, e.name).slice(pkg.length + 1));
      }
    };
    walk(join(pkg, 'dist'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /\.test\.js$|test-trees|hand-trees|fixtures/.test(f))).toEqual([]);
  });

  it('scan --demo credit writes a complete run', async () => {
    const r = await glassbox(['scan', '--demo', 'credit', '--out', join(out, 'scan'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'scan', 'results.json'), 'utf8')) as { findings: unknown[]; summary: { detectors: { status: string }[] } };
    expect(results.findings.length).toBeGreaterThan(0);
    expect(results.summary.detectors.filter((d) => d.status === 'failed')).toEqual([]);
    expect(readFileSync(join(out, 'scan', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  }, 300_000);

  it('explain --method lime samples on worker threads from dist', async () => {
    // 10 rows × 5000 samples = 50 000 ≥ the 20 000 at which 'auto' starts a sampling worker (2 cores here).
    expect(availableParallelism()).toBeGreaterThanOrEqual(2);
    const r = await glassbox(['explain', '--demo', 'credit', '--method', 'lime', '--samples', '5000', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { method: string; featureNames: string[]; rowIds: number[]; values: number[][] };
    expect(json.method).toBe('lime');
    expect(json.rowIds.length).toBe(10);
    expect(json.values.map((v) => v.length)).toEqual(json.rowIds.map(() => json.featureNames.length));
    expect(json.values.flat().every(Number.isFinite)).toBe(true);
  }, 300_000);

  const trees = useReference('tree-shap from dist (german-credit xgb.json)', ['german-credit/xgb.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);
  it.skipIf(!trees)('explain --method tree-shap --threads 2 runs the worker pool from dist', async () => {
    const r = await glassbox(['explain', '--method', 'tree-shap', '--threads', '2', '--rows', '0:200', '--data', datasetPath('german_credit.csv'), '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { method: string; rowIds: number[]; values: number[][]; baseValues: number[]; outputs: number[] };
    expect(json.method).toBe('tree-shap');
    expect(json.rowIds.length).toBeGreaterThan(20); // the test-split rows among data rows 0..199: two worker blocks
    // Local accuracy: base + Σ φ = the explained margin, row by row.
    json.values.forEach((row, i) => expect(Math.abs(row.reduce((a, b) => a + b, json.baseValues[i]!) - json.outputs[i]!)).toBeLessThan(1e-4));
  }, 300_000);
});
