import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GlassboxError } from '../errors.js';
import type { FailureScenario, ScenarioMixture } from './distill.js';
import type { UnrestrictedAdversarialExamples } from './identify.js';
import type { Vae } from './vae/vae.js';

/** Class name → count, for the non-zero classes of a histogram. */
export function namedCounts(counts: Int32Array, classes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  counts.forEach((n, c) => {
    if (n > 0) out[classes[c] ?? String(c)] = n;
  });
  return out;
}

/** One scenario as written to scenarios.json. */
export interface ScenarioJson {
  readonly id: number;
  readonly size: number;
  readonly sources: number;
  readonly sourceLabels: Record<string, number>;
  readonly predictedLabels: Record<string, number>;
  /** The annotated correct label (class name), or null before annotation. */
  readonly annotation: string | null;
  /** The PNG grid, relative to scenarios.json. */
  readonly image: string;
  readonly members: readonly number[];
  readonly centroid: readonly number[];
  readonly covariance: readonly number[];
  readonly weight: number;
}

/**
 * scenarios.json: the scenarios and everything needed to correct the model later without repeating
 * the search — the examples' source rows, labels, predictions and latent codes (the decoded images are
 * the VAE's decoding of the codes), the VAE file and the search settings.
 */
export interface ScenariosFile {
  readonly format: 'glassbox-defuse-scenarios';
  readonly version: 1;
  readonly seed: number;
  readonly classes: readonly string[];
  /** The VAE that decodes the latent codes (absolute path). */
  readonly vae: string;
  readonly search: UnrestrictedAdversarialExamples['search'];
  /** How the scenarios were distilled (absent in files written before the choice existed: 'bic'). */
  readonly mixture?: ScenarioMixture;
  readonly examples: {
    readonly sourceRows: readonly number[];
    readonly sourceLabels: readonly number[];
    readonly predicted: readonly number[];
    readonly predictedConfidence: readonly number[];
    readonly checkerConfidence: readonly number[];
    readonly latentDim: number;
    readonly latent: readonly number[];
  };
  readonly scenarios: readonly ScenarioJson[];
}

const round = (v: number): number => Number(v.toPrecision(7));

/** The scenarios file's content. `sourceRowIds` maps a source index to the input file's 0-based row. */
export function scenariosFile(args: { seed: number; classes: readonly string[]; vaePath: string; examples: UnrestrictedAdversarialExamples; scenarios: readonly FailureScenario[]; mixture?: ScenarioMixture; images: readonly string[]; sourceRowIds?: Int32Array; annotations?: ReadonlyMap<number, number> }): ScenariosFile {
  const { examples: e, classes } = args;
  return {
    format: 'glassbox-defuse-scenarios',
    version: 1,
    seed: args.seed,
    classes,
    vae: resolve(args.vaePath),
    search: e.search,
    mixture: args.mixture ?? 'bic',
    examples: {
      sourceRows: Array.from(e.sourceRows, (r) => (args.sourceRowIds ? args.sourceRowIds[r]! : r)),
      sourceLabels: Array.from(e.sourceLabels),
      predicted: Array.from(e.predicted),
      predictedConfidence: Array.from(e.predictedConfidence, round),
      checkerConfidence: Array.from(e.checkerConfidence, round),
      latentDim: e.latentDim,
      latent: Array.from(e.latent),
    },
    scenarios: args.scenarios.map((s, k) => ({
      id: s.id,
      size: s.size,
      sources: s.sources,
      sourceLabels: namedCounts(s.sourceLabels, classes),
      predictedLabels: namedCounts(s.predictedLabels, classes),
      annotation: args.annotations?.has(s.id) ? classes[args.annotations.get(s.id)!]! : null,
      image: args.images[k]!,
      members: Array.from(s.members),
      centroid: Array.from(s.centroid, round),
      covariance: Array.from(s.covariance, round),
      weight: round(s.weight),
    })),
  };
}

/** Reads and checks a scenarios.json written by glassbox defuse. */
export async function readScenariosFile(path: string): Promise<ScenariosFile> {
  let file: ScenariosFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as ScenariosFile;
  } catch (error) {
    throw new GlassboxError('invalid_input', `${path}: cannot read the scenarios file (${(error as Error).message})`, { file: path, hint: 'Pass the scenarios.json that glassbox defuse wrote into its --out folder.' }, { cause: error });
  }
  if (file?.format !== 'glassbox-defuse-scenarios' || file.version !== 1 || !Array.isArray(file.scenarios) || !file.examples) {
    throw new GlassboxError('invalid_input', `${path}: not a glassbox defuse scenarios file`, { file: path, hint: 'Pass the scenarios.json that glassbox defuse wrote into its --out folder.' });
  }
  return file;
}

/** The identification result stored in a scenarios file, with the images decoded again by `vae`. */
export function examplesFromFile(file: ScenariosFile, vae: Vae, sourceIndex: (row: number) => number): UnrestrictedAdversarialExamples {
  const e = file.examples;
  const latent = Float32Array.from(e.latent);
  return {
    sourceRows: Int32Array.from(e.sourceRows, sourceIndex),
    sourceLabels: Int32Array.from(e.sourceLabels),
    predicted: Int32Array.from(e.predicted),
    predictedConfidence: Float32Array.from(e.predictedConfidence),
    checkerConfidence: Float32Array.from(e.checkerConfidence),
    latent,
    latentDim: e.latentDim,
    images: vae.decode(latent),
    search: file.search,
  };
}

/** The scenarios stored in a file, as distillation returned them. */
export function scenariosFromFile(file: ScenariosFile): FailureScenario[] {
  const k = file.classes.length;
  const counts = (named: Record<string, number>): Int32Array => {
    const out = new Int32Array(k);
    for (const [name, n] of Object.entries(named)) out[file.classes.indexOf(name)] = n;
    return out;
  };
  return file.scenarios.map((s) => ({ id: s.id, size: s.size, members: Int32Array.from(s.members), sourceLabels: counts(s.sourceLabels), predictedLabels: counts(s.predictedLabels), centroid: Float64Array.from(s.centroid), covariance: Float64Array.from(s.covariance), weight: s.weight, sources: s.sources }));
}

/**
 * Annotations file (annotations.json): the correct label of each annotated scenario, by class name,
 * with the scenarios file it belongs to (relative to the annotations file).
 */
export interface AnnotationsFile {
  readonly format: 'glassbox-defuse-annotations';
  readonly version: 1;
  readonly scenarios: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Reads annotations.json; returns its scenarios file (absolute) and the labels as scenario id → class index. */
export async function readAnnotations(path: string, classesOf?: (scenariosPath: string) => Promise<readonly string[]>): Promise<{ scenariosPath: string; labels: Map<number, number>; file: AnnotationsFile }> {
  let file: AnnotationsFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as AnnotationsFile;
  } catch (error) {
    throw new GlassboxError('invalid_input', `${path}: cannot read the annotations file (${(error as Error).message})`, { file: path, argument: '--annotations', hint: 'Write it with glassbox defuse annotate scenarios.json --label ID=CLASS.' }, { cause: error });
  }
  if (file?.format !== 'glassbox-defuse-annotations' || typeof file.scenarios !== 'string' || typeof file.labels !== 'object') {
    throw new GlassboxError('invalid_input', `${path}: not a glassbox defuse annotations file`, { file: path, argument: '--annotations', hint: 'Write it with glassbox defuse annotate scenarios.json --label ID=CLASS.' });
  }
  const scenariosPath = resolve(dirname(path), file.scenarios);
  const classes = classesOf ? await classesOf(scenariosPath) : (await readScenariosFile(scenariosPath)).classes;
  const labels = new Map<number, number>();
  for (const [id, name] of Object.entries(file.labels)) {
    const c = classes.indexOf(name);
    if (c < 0) throw new GlassboxError('invalid_input', `${path}: scenario ${id} is labelled "${name}", which is not a class (${classes.join(', ')})`, { file: path, argument: '--annotations', hint: 'Use the class names listed in scenarios.json.' });
    labels.set(Number(id), c);
  }
  return { scenariosPath, labels, file };
}
