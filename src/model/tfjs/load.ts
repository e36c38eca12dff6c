import * as tf from './tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import { initTf } from './backend.js';
import type { TfBackend } from './backend.js';
import { readModelArtifacts } from './file-io.js';
import { TfjsLayersModel } from './layers-model.js';
import type { TfjsModelOptions } from './layers-model.js';
import { loadTfjsGraphModel } from './graph-model.js';
import type { TfjsGraphModel } from './graph-model.js';

export interface LoadTfjsOptions extends TfjsModelOptions {
  /** tfjs backend to initialise first (default wasm). */
  readonly backend?: TfBackend;
}

/**
 * Loads a TF.js LayersModel folder (model.json + weight shards) from the file system as a glassbox
 * Model with gradients, training and (with dropout) MC sampling. Throws `io_error` for missing files
 * and `unsupported_model` for files that are not a LayersModel.
 */
export async function loadTfjsLayersModel(path: string, options: LoadTfjsOptions = {}): Promise<TfjsLayersModel> {
  await initTf(options.backend ?? 'wasm');
  const artifacts = await readModelArtifacts(path);
  if (artifacts.format === 'graph-model') {
    throw new GlassboxError('unsupported_model', `${path} holds a TF.js GraphModel, not a LayersModel`, { file: path, hint: 'Load it with loadTfjsGraphModel.' });
  }
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    return new TfjsLayersModel(model, options);
  } catch (error) {
    if (error instanceof GlassboxError) throw error;
    throw new GlassboxError('unsupported_model', `${path}: TF.js could not build the model: ${(error as Error).message}`, {
      file: path,
      hint: 'Check that the model was saved by TF.js (model.save) or converted with tensorflowjs_converter, with all custom layers registered.',
    }, { cause: error });
  }
}

/**
 * Loads a TF.js model folder of either kind: a GraphModel (format "graph-model", or a topology made
 * of graph nodes) or a LayersModel.
 */
export async function loadTfjsModel(path: string, options: LoadTfjsOptions = {}): Promise<TfjsLayersModel | TfjsGraphModel> {
  const artifacts = await readModelArtifacts(path);
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  if (artifacts.format === 'graph-model' || Array.isArray(topology?.node)) return loadTfjsGraphModel(path, options);
  return loadTfjsLayersModel(path, options);
}
