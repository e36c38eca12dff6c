import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GlassboxError } from '../errors.js';
import type { Trainable } from '../model/capabilities.js';
import { detectModelFormat } from '../model/load-model.js';
import type { Model, Task } from '../model/model.js';
import { loadTfjsLayersModel } from '../model/tfjs/load.js';
import { loadTrainableOnnx } from './onnx-trainable.js';

export interface LoadTrainableOptions {
  readonly task?: Task;
  readonly classes?: readonly string[];
  /** ONNX only: the initializers to train (default: weights and biases). */
  readonly parameters?: readonly string[];
}

/**
 * Loads a model glassbox can fine-tune: an ONNX neural network (its float32 initializers trained, see
 * TrainableOnnxModel) or a TF.js LayersModel (a folder with model.json, or the model.json path). Other
 * formats (tree ensembles, HTTP endpoints, JS modules) are refused with `missing_capability`.
 */
export async function loadTrainableModel(location: string, options: LoadTrainableOptions = {}): Promise<Model & Trainable> {
  const isDir = await stat(location).then((s) => s.isDirectory(), () => false);
  const format = isDir ? 'tfjs-layers' : await detectModelFormat(location);
  if (format === 'onnx') {
    return loadTrainableOnnx(location, { ...(options.task ? { task: options.task } : {}), ...(options.classes ? { classes: options.classes } : {}), ...(options.parameters ? { parameters: options.parameters } : {}) });
  }
  if (format === 'tfjs-layers') return loadTfjsLayersModel(isDir ? join(location, 'model.json') : location, options.classes ? { classes: options.classes } : {});
  throw new GlassboxError('missing_capability', `${location}: a ${format} model cannot be trained or fine-tuned by glassbox.`, {
    file: location,
    hint: 'glassbox fine-tunes ONNX neural networks and TF.js LayersModels; retrain tree models or remote models with their own tools.',
  });
}
