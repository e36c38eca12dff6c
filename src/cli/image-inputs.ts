import { statSync } from 'node:fs';
import { readNpy } from '../data/npy.js';
import { GlassboxError } from '../errors.js';
import { imageTable } from '../data/image-table.js';
import type { Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';

/** Image input for the CLI: a folder of PNG/JPEG images (one subfolder per class) or a `.npy` tensor. */

/** Images of a folder (with folder labels and names) or a .npy tensor, sized for the model's input. */
export async function loadGradientData(path: string, model: Pick<Model, 'inputSpec'>, signal?: AbortSignal): Promise<{ x: Tensor; labels?: Int32Array; classes?: readonly string[] }> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const { loadImageFolder } = await import('../data/image-folder.js');
    const [, c, h, w] = model.inputSpec.shape;
    const images = await loadImageFolder(path, { ...(typeof h === 'number' && typeof w === 'number' ? { resize: { width: w, height: h } } : {}), ...(c === 1 || c === 3 ? { channels: c } : {}), ...(signal ? { signal } : {}) });
    return { x: { data: images.pixels, shape: [...images.shape] }, labels: images.labels, classes: images.classes };
  }
  if (path.endsWith('.npy')) {
    const arr = readNpy(path);
    if (arr.data instanceof BigInt64Array) throw new GlassboxError('invalid_input', `${path} holds int64 values; gradient methods need float input.`, { file: path, hint: 'Save the tensor as float32.' });
    return { x: { data: Float32Array.from(arr.data), shape: [...arr.shape] } };
  }
  throw new GlassboxError('invalid_input', `${path}: gradient methods read a folder of PNG/JPEG images or a .npy tensor.`, { file: path, hint: 'For tabular data, encode the rows and pass the tensor to runGradientExplain.' });
}

/**
 * Folder labels as model output columns: a subfolder named like one of the model's classes (or an
 * output index) labels its images with that column; other names give -1, which `--target label` rejects.
 */
export function folderLabels(labels: Int32Array, folders: readonly string[], model: Pick<Model, 'classes' | 'outputWidth'>): Int32Array {
  const column = folders.map((name) => {
    const byName = model.classes.indexOf(name);
    if (byName >= 0) return byName;
    return /^\d+$/.test(name) && Number(name) < model.outputWidth ? Number(name) : -1;
  });
  return labels.map((l) => column[l] ?? -1);
}

/** `--labels file.npy`: one integer class index per row of --data. */
export function labelsFile(path: string, nRows: number): Int32Array {
  const arr = readNpy(path);
  const labels = Int32Array.from(arr.data instanceof BigInt64Array ? Array.from(arr.data, Number) : Array.from(arr.data));
  if (labels.length !== nRows) throw new GlassboxError('shape_mismatch', `--labels ${path} has ${labels.length} entries for ${nRows} rows of --data.`, { file: path, argument: '--labels', hint: 'Give one integer label per row of --data.' });
  return labels;
}

/** The model for an image scan: ONNX through the gradient adapter (so the scan can explain it), else the usual loader. */
async function loadImageModel(location: string): Promise<Model> {
  if (location.toLowerCase().endsWith('.onnx')) {
    try {
      const { loadOnnxGradModel } = await import('../model/onnx-grad/load.js');
      return await loadOnnxGradModel(location);
    } catch (error) {
      // graphs the gradient adapter cannot read are still scanned, without gradient sections
      if (!(error instanceof GlassboxError) || error.code !== 'unsupported_model') throw error;
    }
  }
  return loadModel(location);
}

/**
 * Scan inputs from image files: `--data images/` (one subfolder per class, named like the model's
 * classes or output indices) or `--data x.npy [--labels y.npy]`, with `--model`. The rows audited are
 * the images; the table beside them holds the label, brightness and contrast (see data/image-table.ts).
 */
export async function loadImageInputs(flags: { data: string; model: string; labels?: string }, options: { requireLabels?: boolean; model?: Model }): Promise<{ table: Table; all: Table; schema: Schema; model: Model; x: Tensor; describe: { data: string; model: string } }> {
  const model = options.model ?? (await loadImageModel(flags.model));
  try {
    if (model.task === 'regression') throw new GlassboxError('invalid_argument', `${flags.model}: image scans audit classifiers; this model is a regression model.`, { file: flags.model, hint: 'Scan a classification model.' });
    const data = await loadGradientData(flags.data, model);
    const n = data.x.shape[0] ?? 0;
    const labels = flags.labels ? labelsFile(flags.labels, n) : data.labels && data.classes ? folderLabels(data.labels, data.classes, model) : undefined;
    if (!labels && options.requireLabels !== false) {
      throw new GlassboxError('invalid_argument', `${flags.data}: the images carry no labels, so the model cannot be audited.`, { file: flags.data, argument: '--labels', hint: 'Put the images in one subfolder per class, or (glassbox scan) pass --labels y.npy with one class index per image.' });
    }
    const { table, schema } = imageTable(data.x, labels, model.classes, model.task === 'binary' ? 'binary' : 'multiclass', flags.data);
    return { table, all: table, schema, model, x: data.x, describe: { data: flags.data, model: flags.model } };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}
