import { distillScenarios } from '../../defuse/distill.js';
import { identifyFailures } from '../../defuse/identify.js';
import { fromModelInput, modelLayoutFor } from '../../defuse/model-input.js';
import { scenarioGridBlocks } from '../../defuse/report.js';
import { scenarioGridPng } from '../../defuse/scenario-grid.js';
import { namedCounts } from '../../defuse/scenarios-file.js';
import { loadVae } from '../../defuse/vae/vae.js';
import type { Finding } from '../../results/finding.js';
import { Rng } from '../../rng.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** What the scan's Defuse search runs (smaller than `glassbox defuse`'s, to stay a few seconds). */
export const FAILURE_SCENARIO_SCAN_SETTINGS = Object.freeze({ sources: 300, samplesPerExample: 20, noiseScale: 0.5, checkerConfidence: 0.9, minSize: 5 });

export const failureScenarios: Detector = {
  id: 'failure-scenarios',
  title: 'Failure scenarios (Defuse)',
  category: 'robustness',
  applies: (c) => {
    if (typeof c.options.defuseVae !== 'string') return 'off by default: it needs a VAE trained on these images (glassbox scan --defuse-vae vae.json, e.g. the vae.json that glassbox defuse writes, or models/digits-vae/vae.json for the digits demo)';
    if (!c.x || c.x.shape.length !== 4) return 'needs image input [n, C, H, W] or [n, H, W, C]';
    if (c.model.task === 'regression') return 'classification models only';
    if (labelledRows(c.labels).length === 0) return 'the data has no labels';
    return true;
  },
  run: (c) => runFailureScenarios(c),
};

async function runFailureScenarios(c: ScanContext): Promise<DetectorResult> {
  // scan() options defuseNoiseScale / defuseCheckerConfidence override the defaults (library callers)
  const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  const s = { ...FAILURE_SCENARIO_SCAN_SETTINGS, noiseScale: num(c.options.defuseNoiseScale, FAILURE_SCENARIO_SCAN_SETTINGS.noiseScale), checkerConfidence: num(c.options.defuseCheckerConfidence, FAILURE_SCENARIO_SCAN_SETTINGS.checkerConfidence) };
  const vae = await loadVae(c.options.defuseVae as string);
  try {
    const layout = modelLayoutFor(c.model, vae.config.imageShape);
    const labelled = labelledRows(c.labels);
    const chosen = Array.from(new Rng(c.seed).permutation(labelled.length).subarray(0, Math.min(s.sources, labelled.length)), (k) => labelled[k]!).sort((a, b) => a - b);
    const all = fromModelInput(c.x!, layout);
    const size = all.data.length / (all.shape[0] ?? 1);
    const images = new Float32Array(chosen.length * size);
    chosen.forEach((r, i) => images.set(all.data.subarray(r * size, (r + 1) * size), i * size));
    c.progress(`searching latent perturbations of ${chosen.length} images`);
    const found = await identifyFailures(c.model, vae, { data: images, shape: [chosen.length, ...all.shape.slice(1)] }, Int32Array.from(chosen, (r) => c.labels[r]!), { samplesPerExample: s.samplesPerExample, noiseScale: s.noiseScale, checkerConfidence: s.checkerConfidence, seed: c.seed, ...(c.signal ? { signal: c.signal } : {}) });
    const m = found.sourceRows.length;
    const evidence = { sources: chosen.length, correctSources: found.search.correctSources, samples: found.search.samples, unrestrictedAdversarialExamples: m, samplesPerExample: s.samplesPerExample, noiseScale: s.noiseScale, checkerConfidence: s.checkerConfidence, vae: c.options.defuseVae, seed: c.seed };
    if (m < 2) return { findings: [], data: { ...evidence, scenarios: [] } };
    const distillation = distillScenarios(found, c.model.outputWidth, { seed: c.seed, minSize: s.minSize });
    const scenarios = distillation.scenarios.map((sc) => ({ id: sc.id, size: sc.size, sources: sc.sources, sourceLabels: namedCounts(sc.sourceLabels, c.classes), predictedLabels: namedCounts(sc.predictedLabels, c.classes), annotation: null, image: '', members: [], centroid: [], covariance: [], weight: sc.weight }));
    const pngs = await Promise.all(distillation.scenarios.map((sc) => {
      const members = [...sc.members].sort((a, b) => found.predictedConfidence[b]! - found.predictedConfidence[a]! || a - b);
      return scenarioGridPng(found.images, members, members.map((i) => c.classes[found.predicted[i]!] ?? '?'), { maxImages: 16 });
    }));
    const rate = m / Math.max(1, found.search.samples);
    const top = distillation.scenarios[0];
    const examples = top ? [...new Set(Array.from(top.members, (i) => c.table.rowIds[chosen[found.sourceRows[i]!]!]!))].slice(0, 10) : [];
    const finding: Finding = {
      id: 'failure-scenarios',
      detector: 'failure-scenarios',
      severity: distillation.scenarios.length === 0 ? 'info' : rate >= 0.01 ? 'medium' : 'low',
      title: `${distillation.scenarios.length} failure scenarios from ${m} unrestricted adversarial examples`,
      summary: `Small Gaussian changes (σ = ${s.noiseScale}) to the VAE codes of ${found.search.correctSources} correctly classified images gave ${m} decoded images (${(100 * rate).toFixed(2)}% of ${found.search.samples}) that the model gets wrong while the VAE's reconstruction classifier still sees the source class (p ≥ ${s.checkerConfidence}); a Gaussian mixture (components by BIC, per source class) groups them into ${distillation.scenarios.length} scenarios of at least ${s.minSize}.`,
      metric: 'unrestricted adversarial examples per perturbation',
      value: rate,
      examples,
      evidence: { ...evidence, scenarios: distillation.scenarios.length, unassigned: distillation.unassigned },
      suggestion: 'Look at the grids: a scenario is a kind of input the model fails on. Label them with glassbox defuse annotate and correct the model with glassbox defuse --annotations (or --accept-source).',
      reproduce: reproduceCommand(c),
    };
    return {
      findings: [finding],
      sections: [{ id: 'failure-scenarios', title: 'Failure scenarios (Defuse)', blocks: scenarioGridBlocks(scenarios, pngs) }],
      data: { ...evidence, scenarios: scenarios.map(({ id, size, sources, sourceLabels, predictedLabels }) => ({ id, size, sources, sourceLabels, predictedLabels })) },
    };
  } finally {
    vae.dispose();
  }
}
