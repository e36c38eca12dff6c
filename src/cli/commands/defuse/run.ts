import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import { Rng } from '../../../rng.js';
import { acceptSourceLabels } from '../../../defuse/annotate.js';
import { correctModel, type CorrectionResult, type LabelledImages } from '../../../defuse/correct.js';
import { distillScenarios } from '../../../defuse/distill.js';
import { identifyFailures, type UnrestrictedAdversarialExamples } from '../../../defuse/identify.js';
import { reconstructionQuality } from '../../../defuse/quality.js';
import { correctionBlocks, qualityBlock, scenarioGridBlocks } from '../../../defuse/report.js';
import { scenarioGridPng } from '../../../defuse/scenario-grid.js';
import { examplesFromFile, readAnnotations, readScenariosFile, scenariosFile, scenariosFromFile, type ScenariosFile } from '../../../defuse/scenarios-file.js';
import { loadVae, type Vae } from '../../../defuse/vae/vae.js';
import { trainVae } from '../../../defuse/vae/train.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { parseChoice, parseIntegerFlag, parseNumberFlag } from '../../options.js';
import { createProgress, type ProgressReporter } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadDefuseFileInputs, type DefuseInputs } from './inputs.js';

export interface DefuseFlags {
  demo?: string;
  model?: string;
  data?: string;
  labels?: string;
  testData?: string;
  testLabels?: string;
  vae?: string;
  seed?: string;
  samplesPerExample?: string;
  noiseScale?: string;
  checkerConfidence?: string;
  sources?: string;
  annotations?: string;
  acceptSource?: boolean;
  epochs?: string;
  lambda?: string;
  samplesPerScenario?: string;
  scenarioSampling?: string;
  mixture?: string;
  out?: string;
  format?: string;
  quiet?: boolean;
}

interface Settings {
  readonly seed: number;
  readonly format: 'json' | 'html';
  readonly out: string;
  readonly samplesPerExample: number;
  readonly noiseScale: number;
  readonly checkerConfidence: number;
  readonly sources: number;
  readonly epochs: number;
  readonly lambda: number;
  readonly samplesPerScenario: number;
  readonly scenarioSampling: 'recognisable' | 'gaussian';
  readonly mixture: 'bic' | 'dirichlet-process';
}

function parseSettings(flags: DefuseFlags): Settings {
  if (!flags.out) throw new GlassboxError('invalid_argument', 'Missing --out: glassbox defuse writes scenario grids, scenarios.json and the corrected model into a folder', { argument: '--out', hint: 'e.g. --out defuse-out' });
  if (flags.annotations && flags.acceptSource) throw new GlassboxError('invalid_argument', 'Use either --annotations FILE or --accept-source, not both', { argument: '--accept-source' });
  if (flags.demo && (flags.model || flags.data || flags.testData)) throw new GlassboxError('invalid_argument', 'Use either --demo or --model/--data/--test-data, not both', { argument: '--demo' });
  if (flags.demo && flags.demo !== 'digits') throw new GlassboxError('invalid_argument', `glassbox defuse --demo takes digits (images); got "${flags.demo}"`, { argument: '--demo', hint: 'Defuse needs images a VAE can model.' });
  return {
    seed: parseIntegerFlag('--seed', flags.seed, 0),
    format: parseChoice('--format', flags.format, ['json', 'html'] as const, 'json'),
    out: flags.out,
    samplesPerExample: parseIntegerFlag('--samples-per-example', flags.samplesPerExample, 50, 1),
    noiseScale: parseNumberFlag('--noise-scale', flags.noiseScale, 0.5, Number.MIN_VALUE),
    checkerConfidence: parseNumberFlag('--checker-confidence', flags.checkerConfidence, 0.9, 0),
    sources: parseIntegerFlag('--sources', flags.sources, 1000, 1),
    epochs: parseIntegerFlag('--epochs', flags.epochs, 10, 1),
    lambda: parseNumberFlag('--lambda', flags.lambda, 1, 0),
    samplesPerScenario: parseIntegerFlag('--samples-per-scenario', flags.samplesPerScenario, 2000, 0),
    scenarioSampling: parseChoice('--scenario-sampling', flags.scenarioSampling, ['recognisable', 'gaussian'] as const, 'recognisable'),
    mixture: parseChoice('--mixture', flags.mixture, ['bic', 'dirichlet-process'] as const, 'bic'),
  };
}

async function demoInputs(seed: number): Promise<DefuseInputs & { vae?: Vae }> {
  const { loadDigitsDemo } = await import('../../../demos/digits/index.js');
  const { digitsTrainImages, loadMatchingDigitsVae } = await import('./demo-vae.js');
  const demo = await loadDigitsDemo({ seed });
  const { images, labels, rows } = digitsTrainImages(demo.data);
  const testRows: number[] = [];
  for (let i = 0; i < demo.data.isTest.length; i++) if (demo.data.isTest[i]) testRows.push(i);
  const tx = new Float32Array(testRows.length * 784);
  testRows.forEach((r, i) => tx.set(demo.data.images.data.subarray(r * 784, (r + 1) * 784), i * 784));
  const vae = await loadMatchingDigitsVae(seed);
  return {
    model: demo.model as DefuseInputs['model'],
    modelKind: 'tfjs',
    train: { images, labels },
    trainRowIds: Int32Array.from(rows, (r) => demo.data.table.rowIds[r]!),
    test: { images: { data: tx, shape: [testRows.length, 28, 28, 1] }, labels: Int32Array.from(testRows, (r) => demo.data.labels[r]!) },
    describe: 'digits demo CNN',
    ...(vae ? { vae } : {}),
  };
}

/** The VAE: --vae, the demo's committed one, or trained now on the training images (saved into --out). */
async function resolveVae(flags: DefuseFlags, inputs: DefuseInputs & { vae?: Vae }, s: Settings, progress: ProgressReporter, signal?: AbortSignal): Promise<{ vae: Vae; path: string; source: 'file' | 'committed' | 'trained' }> {
  if (flags.vae) {
    const vae = await loadVae(flags.vae);
    vae.checkImages(inputs.train.images, '--data');
    return { vae, path: resolve(flags.vae), source: 'file' };
  }
  if (inputs.vae) {
    const { digitsVaePath } = await import('./demo-vae.js');
    return { vae: inputs.vae, path: digitsVaePath(), source: 'committed' };
  }
  const { DIGITS_VAE_TRAINING } = await import('./demo-vae.js');
  const { latentDim, filters, epochs, batchSize, learningRate, checkerEpochs } = DIGITS_VAE_TRAINING;
  const { vae } = await trainVae(inputs.train.images, {
    latentDim, filters, epochs, batchSize, learningRate, checkerEpochs, labels: inputs.train.labels, classes: inputs.model.classes, seed: s.seed,
    ...(signal ? { signal } : {}),
    onProgress: (p) => progress.update(p.stage === 'vae' ? (p.epoch - 1) * p.batches + p.batch : p.epoch, p.stage === 'vae' ? p.epochs * p.batches : p.epochs, p.stage === 'vae' ? `training the VAE, epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(1)}` : `training the reconstruction classifier, epoch ${p.epoch}/${p.epochs}`),
  });
  const path = join(s.out, 'vae.json');
  await vae.save(path);
  return { vae, path: resolve(path), source: 'trained' };
}

/** A seeded choice of `count` training images as sources, in ascending order. */
function chooseSources(n: number, count: number, seed: number): Int32Array {
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return new Rng(seed).permutation(n).slice(0, count).sort();
}

function subset(data: LabelledImages, rows: Int32Array): LabelledImages {
  const size = data.images.data.length / Math.max(1, data.images.shape[0] ?? 1);
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, i) => x.set(data.images.data.subarray(r * size, (r + 1) * size), i * size));
  return { images: { data: x, shape: [rows.length, ...data.images.shape.slice(1)] }, labels: Int32Array.from(rows, (r) => data.labels[r]!) };
}

/** Search and distillation, writing the grids and scenarios.json. */
async function search(inputs: DefuseInputs, vae: Vae, vaePath: string, s: Settings, progress: ProgressReporter, signal?: AbortSignal): Promise<{ file: ScenariosFile; examples: UnrestrictedAdversarialExamples; pngs: Buffer[] }> {
  const sourceIndex = chooseSources(inputs.train.labels.length, s.sources, s.seed);
  const sources = subset(inputs.train, sourceIndex);
  const found = await identifyFailures(inputs.model, vae, sources.images, sources.labels, {
    samplesPerExample: s.samplesPerExample, noiseScale: s.noiseScale, checkerConfidence: s.checkerConfidence, seed: s.seed, ...(signal ? { signal } : {}),
    onProgress: (p) => progress.update(p.done, p.total, `searching latent perturbations: ${p.found} unrestricted adversarial examples`),
  });
  // source indices → training-image indices, so the examples refer to --data rows
  const examples: UnrestrictedAdversarialExamples = { ...found, sourceRows: Int32Array.from(found.sourceRows, (r) => sourceIndex[r]!) };
  // fewer than two examples: nothing to cluster, and no scenario to report
  const distillation = examples.sourceRows.length >= 2 ? distillScenarios(examples, inputs.model.outputWidth, { seed: s.seed, mixture: s.mixture }) : { scenarios: [] };
  const classes = inputs.model.classes;
  const pngs: Buffer[] = [];
  const images: string[] = [];
  await mkdir(join(s.out, 'scenarios'), { recursive: true });
  for (const scenario of distillation.scenarios) {
    const members = [...scenario.members].sort((a, b) => examples.predictedConfidence[b]! - examples.predictedConfidence[a]! || a - b);
    const png = await scenarioGridPng(examples.images, members, members.map((m) => classes[examples.predicted[m]!] ?? '?'));
    const name = `scenarios/scenario-${scenario.id}.png`;
    await writeFileAtomic(join(s.out, name), png);
    pngs.push(png);
    images.push(name);
  }
  const file = scenariosFile({ seed: s.seed, classes, vaePath, examples, scenarios: distillation.scenarios, mixture: s.mixture, images, sourceRowIds: inputs.trainRowIds });
  await writeFileAtomic(join(s.out, 'scenarios.json'), `${JSON.stringify(file)}\n`);
  return { file, examples, pngs };
}

/**
 * `glassbox defuse`: trains or loads the VAE, reports its reconstruction quality, searches for
 * unrestricted adversarial examples, distils them into scenarios (grids + scenarios.json), and with
 * annotations (--annotations or --accept-source) fine-tunes the classifier and saves it into --out.
 */
export async function runDefuse(flags: DefuseFlags, signal?: AbortSignal): Promise<string> {
  const s = parseSettings(flags);
  const annotationsIn = flags.annotations ? await readAnnotations(flags.annotations) : undefined;
  const inputs = flags.demo ? await demoInputs(s.seed) : await loadDefuseFileInputs(flags);
  const progress = createProgress({ quiet: flags.quiet ?? false });
  try {
    await mkdir(s.out, { recursive: true });
    const reused = annotationsIn ? await readScenariosFile(annotationsIn.scenariosPath) : undefined;
    const { vae, path: vaePath, source: vaeSource } = reused && !flags.vae ? { vae: await loadVae(reused.vae), path: reused.vae, source: 'file' as const } : await resolveVae(flags, inputs, s, progress, signal);
    const quality = await reconstructionQuality(inputs.model, vae, inputs.test, signal);
    let file: ScenariosFile;
    let examples: UnrestrictedAdversarialExamples;
    let pngs: Buffer[];
    if (reused) {
      const byRow = new Map(Array.from(inputs.trainRowIds, (id, i) => [id, i] as const));
      examples = examplesFromFile(reused, vae, (row) => {
        const i = byRow.get(row);
        if (i === undefined) throw new GlassboxError('invalid_input', `${annotationsIn!.scenariosPath}: source row ${row} is not a row of --data`, { file: annotationsIn!.scenariosPath, hint: 'Correct with the same --data (or --demo) the scenarios were found on.' });
        return i;
      });
      file = reused;
      const { readFile } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      pngs = await Promise.all(reused.scenarios.map((sc) => readFile(join(dirname(annotationsIn!.scenariosPath), sc.image))));
    } else {
      ({ file, examples, pngs } = await search(inputs, vae, vaePath, s, progress, signal));
    }
    const annotations = annotationsIn?.labels ?? (flags.acceptSource ? acceptSourceLabels(file) : undefined);
    if (flags.acceptSource && annotations) {
      const labels = Object.fromEntries([...annotations].map(([id, c]) => [String(id), inputs.model.classes[c]!]));
      await writeFileAtomic(join(s.out, 'annotations.json'), `${JSON.stringify({ format: 'glassbox-defuse-annotations', version: 1, scenarios: 'scenarios.json', labels }, null, 2)}\n`);
    }
    let correction: CorrectionResult | undefined;
    let written: Record<string, unknown> | undefined;
    if (annotations && file.scenarios.length > 0) {
      const scenarios = scenariosFromFile(file);
      correction = await correctModel(inputs.model, vae, examples, scenarios, annotations, inputs.train, inputs.test, {
        seed: s.seed, epochs: s.epochs, lambda: s.lambda, samplesPerScenario: s.samplesPerScenario, sampling: s.scenarioSampling, checkerConfidence: file.search.checkerConfidence, ...(signal ? { signal } : {}),
        onProgress: (p) => progress.update((p.epoch - 1) * p.batches + p.batch, p.epochs * p.batches, `fine-tuning on the annotated scenarios, epoch ${p.epoch}/${p.epochs}`),
      });
      written = await saveCorrected(inputs, s.out);
    }
    progress.stop();
    const classes = inputs.model.classes;
    const scenarioRows = file.scenarios.map((sc) => ({ id: sc.id, size: sc.size, sources: sc.sources, sourceLabels: sc.sourceLabels, predictedLabels: sc.predictedLabels, annotation: annotations?.has(sc.id) ? classes[annotations.get(sc.id)!]! : null, image: sc.image }));
    const result = {
      seed: s.seed,
      model: inputs.describe,
      vae: { source: vaeSource, file: vaePath, latentDim: vae.latentDim, checker: 'reconstruction classifier: a CNN trained on the VAE\'s decodes of training images, stored with the VAE', reconstruction: quality },
      search: file.search,
      mixture: file.mixture ?? 'bic',
      reusedSearch: reused !== undefined,
      unrestrictedAdversarialExamples: file.examples.sourceRows.length,
      scenarios: scenarioRows,
      scenariosFile: 'scenarios.json',
      correction: correction
        ? {
            testAccuracyBefore: correction.testAccuracyBefore,
            testAccuracyAfter: correction.testAccuracyAfter,
            scenarioAccuracyBefore: correction.scenarioAccuracyBefore,
            scenarioAccuracyAfter: correction.scenarioAccuracyAfter,
            heldOut: correction.heldOut,
            heldOutMethod: `examples whose source image is among a seeded ${correction.options.heldOutFraction} of the distinct source images; fine-tuning never sees them or their sources' other examples`,
            perScenario: correction.scenarios.map((sc) => ({ ...sc, label: classes[sc.label]! })),
            perClass: correction.perClass.map((p) => ({ ...p, label: classes[p.label]! })),
            scenarioRows: correction.scenarioRows,
            training: { epochs: correction.training.epochsRun, lambda: correction.options.lambda, rowsPerBatch: correction.options.rowsPerBatch, samplesPerScenario: correction.options.samplesPerScenario, scenarioSampling: correction.options.sampling, maxDrawsPerScenario: correction.options.maxDrawsPerScenario, checkerConfidence: correction.options.checkerConfidence, anchorRows: correction.options.anchorRows, learningRate: correction.options.learningRate, history: correction.training.history.map((h) => ({ epoch: h.epoch, loss: h.loss })) },
            ...written,
          }
        : null,
    };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    await writeFileAtomic(join(s.out, 'results.json'), json);
    if (s.format === 'json') return json;
    const blocks: ReportBlock[] = [
      { kind: 'text', markdown: `**${result.unrestrictedAdversarialExamples} unrestricted adversarial examples** from ${file.search.correctSources} correctly classified source images (${file.search.samplesPerExample} latent perturbations each, σ = ${file.search.noiseScale}, seed ${s.seed}), distilled into **${file.scenarios.length} failure scenarios** (${(file.mixture ?? 'bic') === 'bic' ? 'Gaussian mixtures per source class, components chosen by BIC' : 'a Dirichlet-process mixture per source class, truncated variational inference'}). An example counts when the classifier's class differs from its source's label while the VAE's reconstruction classifier still gives the source label with probability ≥ ${file.search.checkerConfidence}.` },
      qualityBlock(quality),
      ...scenarioGridBlocks(file.scenarios.map((sc, k) => ({ ...sc, annotation: scenarioRows[k]!.annotation })), pngs),
      ...(correction ? correctionBlocks(correction, classes) : [{ kind: 'text' as const, markdown: 'No scenario is annotated yet: run `glassbox defuse annotate scenarios.json --label ID=CLASS,…` (or `--accept-source`), then `glassbox defuse … --annotations annotations.json` to correct the model.' }]),
    ];
    const html = await renderBlocks('html', 'glassbox defuse', blocks);
    await writeFileAtomic(join(s.out, 'report.html'), html);
    return `${join(s.out, 'report.html')}\n`;
  } finally {
    progress.stop();
    await inputs.model.dispose?.();
  }
}

/** Writes the fine-tuned classifier into --out; an ONNX file is reloaded in onnxruntime to show it still runs. */
async function saveCorrected(inputs: DefuseInputs, out: string): Promise<Record<string, unknown>> {
  if (inputs.modelKind === 'onnx') {
    const path = join(out, 'corrected.onnx');
    await inputs.model.save(path);
    const { loadModel } = await import('../../../model/load-model.js');
    const reloaded = await loadModel(path);
    try {
      const { modelLayoutFor, predictClasses } = await import('../../../defuse/model-input.js');
      const layout = modelLayoutFor(reloaded, inputs.test.images.shape.slice(1));
      const p = await predictClasses(reloaded, inputs.test.images, layout);
      let ok = 0;
      for (let i = 0; i < p.index.length; i++) if (p.index[i] === inputs.test.labels[i]) ok++;
      return { correctedModel: 'corrected.onnx', correctedModelOnnxruntimeTestAccuracy: ok / Math.max(1, p.index.length) };
    } finally {
      await reloaded.dispose?.();
    }
  }
  const dir = join(out, 'corrected-model');
  await inputs.model.save(dir);
  return { correctedModel: 'corrected-model' };
}
