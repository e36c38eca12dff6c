import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsSchema, type ScanResults } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';
import { intervalViolations } from '../support/finding-properties.js';

async function scanDemo(name: string): Promise<{ results: ScanResults; html: string; markdown: string }> {
  const out = await mkdtemp(join(tmpdir(), `glassbox-${name}-`));
  try {
    const run = await runGlassbox(['scan', '--demo', name, '--out', out, '--quiet']);
    if (run.code === 2) throw new Error(run.stderr);
    return {
      results: resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))),
      html: await readFile(join(out, 'report.html'), 'utf8'),
      markdown: await readFile(join(out, 'findings.md'), 'utf8'),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function accuracyOf(results: ScanResults): number {
  const finding = results.findings.find((f) => f.id === 'overall-performance/accuracy');
  if (finding?.value === undefined || finding.value === null) throw new Error('no accuracy finding');
  return finding.value;
}

describe('glassbox scan on the image and text demos', () => {
  it('digits: a 10-class CNN audited on its test split, per class', async () => {
    const { results, html, markdown } = await scanDemo('digits');
    expect(results.input.task).toBe('multiclass');
    expect(results.input.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(results.input.rows).toBe(2000);
    expect(accuracyOf(results)).toBeGreaterThanOrEqual(0.9);
    const perClass = results.detectors['per-class-performance'] as { classes: { class: string; support: number }[] };
    expect(perClass.classes).toHaveLength(10);
    expect(perClass.classes.reduce((n, c) => n + c.support, 0)).toBe(2000);
    expect(results.summary.detectors.filter((d) => d.status === 'failed')).toEqual([]);
    // VoG and PIEs run only when asked: they say how to turn them on
    expect(results.summary.detectors.find((d) => d.id === 'variance-of-gradients')?.reason).toMatch(/--checkpoints/);
    expect(results.summary.detectors.find((d) => d.id === 'compression-pies')?.reason).toMatch(/off by default \(costly/);
    expect(html).toContain('Per-class performance');
    const image = results.findings.find((f) => f.detector === 'image-attributions' && f.severity === 'info');
    expect(image?.examples.length).toBeGreaterThan(0);
    const section = results.sections.find((s) => s.id.startsWith('image-attributions'));
    const grid = section?.blocks.find((b) => b.kind === 'image-grid');
    expect(grid?.kind === 'image-grid' ? grid.rows.length : 0).toBeGreaterThanOrEqual(1);
    expect(html).toContain('class="image-grid"');
    expect(results.findings.some((f) => f.detector === 'image-attributions' && /guided/i.test(f.title))).toBe(true);
    expect(markdown).toContain('Accuracy');
    expect(intervalViolations(results)).toEqual([]);
    // calibration is measured on images (reliability diagram, held-out temperature scaling); slices are not searched, and the report says why
    const calibration = results.sections.find((s) => s.id === 'miscalibration');
    expect(results.summary.detectors.find((d) => d.id === 'miscalibration')?.status).toBe('ran');
    expect(calibration?.blocks.some((b) => b.kind === 'chart')).toBe(true);
    expect(JSON.stringify(calibration)).toMatch(/no tabular columns to slice on/);
    const measured = results.detectors['miscalibration'] as { overall: { ece: number; n: number }; temperature: { value: number } | null };
    expect(measured.overall.n).toBeGreaterThan(0);
    expect(measured.temperature?.value).toBeGreaterThan(0);
    expect(results.findings.some((f) => f.detector === 'miscalibration/over' || f.detector === 'miscalibration/under')).toBe(false);
    expect(results.summary.detectors.find((d) => d.id === 'global-importance')?.reason).toMatch(/images, not tabular/);
  }, 300_000);

  it('spam: a binary text model with its metrics and confusion matrix', async () => {
    const { results } = await scanDemo('spam');
    expect(results.input.task).toBe('binary');
    expect(results.input.classes).toHaveLength(2);
    expect(accuracyOf(results)).toBeGreaterThanOrEqual(0.9);
    const overall = results.detectors['overall-performance'] as { n: number; confusionMatrix: number[] };
    expect(overall.confusionMatrix.reduce((a, b) => a + b, 0)).toBe(overall.n);
    const words = results.sections.find((s) => s.id === 'text-attributions');
    const highlighted = words?.blocks.filter((b) => b.kind === 'highlighted-text') ?? [];
    expect(highlighted.length).toBeGreaterThan(0);
    for (const block of highlighted) {
      if (block.kind !== 'highlighted-text') continue;
      expect(block.tokens.length).toBe(block.weights.length);
      expect(block.weights.some((w) => w !== 0)).toBe(true);
    }
    const finding = results.findings.find((f) => f.detector === 'text-attributions');
    expect(finding?.examples.length).toBe(highlighted.length);
    expect(results.summary.detectors.filter((d) => d.status === 'failed')).toEqual([]);
    expect(intervalViolations(results)).toEqual([]);
    expect(JSON.stringify(results.sections.find((s) => s.id === 'miscalibration'))).toMatch(/no tabular columns to slice on/);
    expect(results.summary.detectors.find((d) => d.id === 'image-attributions')?.reason).toMatch(/text, not images/);
  }, 300_000);
});
