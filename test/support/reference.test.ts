import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './reference.js';

/** Runs useReference in a fresh process with the given environment; returns its outcome. */
function probe(env: Record<string, string | undefined>, files: string[]): { ok: boolean; output: string } {
  const code = `import('./test/support/reference.ts').then((m) => m.useReference('probe', ${JSON.stringify(files)})).then((r) => console.log('RESULT', r), (e) => console.log('THROWN', e.message))`;
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: REPO_ROOT, env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: !output.includes('THROWN'), output };
}

describe('useReference (DESIGN.md §5)', () => {
  const empty = mkdtempSync(join(tmpdir(), 'glassbox-ref-'));
  it('fails when GLASSBOX_REFERENCE_DIR is set but the folder is missing', () => {
    const r = probe({ GLASSBOX_REFERENCE_DIR: join(empty, 'absent') }, ['german-credit/mlp.onnx']);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/GLASSBOX_REFERENCE_DIR=.*absent lacks .*absent/);
  });
  it('fails when the variable is set and the folder exists but a needed file is missing', () => {
    const r = probe({ GLASSBOX_REFERENCE_DIR: empty }, ['german-credit/mlp.onnx']);
    expect(r.ok).toBe(false);
    expect(r.output).toContain(join(empty, 'german-credit/mlp.onnx'));
  });
  it('runs when the variable is set and every file is there', () => {
    expect(probe({ GLASSBOX_REFERENCE_DIR: empty }, []).output).toContain('RESULT true');
  });
});
