import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GlassboxError } from '../errors.js';
import type { Model, Task } from './model.js';

export interface LoadModelOptions {
  readonly task?: Task;
  /** Class labels in output-column order (binary: [negative, positive]). */
  readonly classes?: readonly string[];
  readonly batchSize?: number;
  readonly threads?: number;
}

export type ModelFormat = 'onnx' | 'onnx-trees' | 'xgboost-json' | 'lightgbm-text' | 'tfjs-layers' | 'http' | 'js-module' | 'glassbox-gam';

/**
 * Loads a model from a path or URL, choosing the adapter from the location and the file's content:
 * http(s):// → HTTP endpoint (KServe v2 or generic JSON); .onnx → onnxruntime, or the native tree
 * scorer when the graph is a TreeEnsemble; .json → XGBoost (a `learner` key) or TF.js (a `modelTopology`
 * key) or a GAM saved by glassbox (`"format": "glassbox-gam"`); .txt → LightGBM; .js/.mjs → a module
 * exporting `predict`. Each adapter is imported when its
 * format is met, so loading an ONNX model does not load TensorFlow.js, and the other way round.
 */
export async function loadModel(location: string, options: LoadModelOptions = {}): Promise<Model> {
  const format = await detectModelFormat(location);
  const classes = options.classes ? { classes: options.classes } : {};
  switch (format) {
    case 'http': {
      const { httpModelFromUrl } = await import('./http.js');
      return httpModelFromUrl(location, { ...(options.task ? { task: options.task } : {}), ...classes, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
    }
    case 'onnx':
      return (await import('./onnx.js')).loadOnnxModel(location, options);
    case 'onnx-trees':
    case 'xgboost-json':
    case 'lightgbm-text':
      return (await import('./trees/load.js')).loadTreeModel(location, classes);
    case 'tfjs-layers':
      return (await import('./tfjs/load.js')).loadTfjsLayersModel(location, { ...classes, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
    case 'js-module':
      return loadJsModule(location, options);
    case 'glassbox-gam': {
      const [{ gamFromJson }, { gamModel }] = await Promise.all([import('./interpretable/gam/gam-json.js'), import('./interpretable/gam/gam-model.js')]);
      const { gam, classes: saved } = gamFromJson(JSON.parse(new TextDecoder().decode(await readBytes(location))), location);
      return gamModel(gam, options.classes ?? saved);
    }
  }
}

/** Detects a model's format from its location and first bytes, with a clear error when unknown. */
export async function detectModelFormat(location: string): Promise<ModelFormat> {
  if (/^https?:\/\//i.test(location)) return 'http';
  const ext = extname(location).toLowerCase();
  if (ext === '.onnx') {
    const bytes = await readBytes(location);
    // op types are stored as plain strings: a graph without "TreeEnsemble" in it is not worth decoding here
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('TreeEnsemble') < 0) return 'onnx';
    const { detectTreeFormat } = await import('./trees/load.js');
    return detectTreeFormat(bytes) === 'onnx-trees' ? 'onnx-trees' : 'onnx';
  }
  if (ext === '.txt' || ext === '.lgb' || ext === '.model') return 'lightgbm-text';
  if (ext === '.js' || ext === '.mjs') return 'js-module';
  if (ext === '.json') {
    const head = await readHead(location, 4096);
    if (/"learner"\s*:/.test(head)) return 'xgboost-json';
    if (/"modelTopology"\s*:/.test(head) || /"weightsManifest"\s*:/.test(head)) return 'tfjs-layers';
    if (/"format"\s*:\s*"glassbox-gam"/.test(head)) return 'glassbox-gam';
    throw new GlassboxError('unsupported_model', `${location}: a JSON file that is neither an XGBoost model (no "learner" key), a TF.js model.json (no "modelTopology") nor a glassbox GAM (no "format": "glassbox-gam").`, {
      file: location,
      hint: 'Save XGBoost models with booster.save_model("model.json"); TF.js models with model.save(); GAMs with glassbox challenger --save-gam.',
    });
  }
  throw new GlassboxError('unsupported_model', `${location}: unknown model format "${ext || '(no extension)'}".`, {
    file: location,
    hint: 'Supported: .onnx, XGBoost .json, LightGBM .txt, TF.js model.json, .js/.mjs modules exporting predict, http(s):// endpoints.',
  });
}

async function readBytes(path: string): Promise<Uint8Array> {
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new GlassboxError('io_error', `${path}: cannot read the model file (${error.code ?? error.message}).`, { file: path, hint: 'Check the --model path.' });
  });
}

async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new GlassboxError('io_error', `${path}: cannot open the model file (${error.code ?? error.message}).`, { file: path, hint: 'Check the --model path.' });
  });
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

interface JsModelModule {
  predict?: (x: Float32Array, nRows: number) => Float32Array | number[] | Promise<Float32Array | number[]>;
  task?: Task;
  classes?: string[];
  inputWidth?: number;
}

async function loadJsModule(location: string, options: LoadModelOptions): Promise<Model> {
  const module = (await import(pathToFileURL(location).href)) as JsModelModule & { default?: JsModelModule };
  const source = module.default?.predict ? module.default : module;
  if (typeof source.predict !== 'function' || typeof source.inputWidth !== 'number') {
    throw new GlassboxError('unsupported_model', `${location}: a model module must export predict(x: Float32Array, nRows) and inputWidth (and optionally task, classes).`, { file: location });
  }
  const task = options.task ?? source.task ?? 'binary';
  const classes = options.classes ?? source.classes ?? (task === 'regression' ? [] : ['0', '1']);
  const predict = source.predict;
  const { fnModel } = await import('./fn.js');
  return fnModel({ predict: async (x, n) => Float32Array.from(await predict(x, n)), task, classes, inputWidth: source.inputWidth });
}
