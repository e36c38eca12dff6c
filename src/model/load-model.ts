import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GlassboxError } from '../errors.js';
import type { Model, Task } from './model.js';
import { loadOnnxModel } from './onnx.js';

export interface LoadModelOptions {
  readonly task?: Task;
  /** Class labels in output-column order (binary: [negative, positive]). */
  readonly classes?: readonly string[];
  readonly batchSize?: number;
  readonly threads?: number;
}

export type ModelFormat = 'onnx' | 'xgboost-json' | 'lightgbm-text' | 'tfjs-layers' | 'http' | 'js-module';

/** Extra loaders registered by adapters that live outside this file (tree and tfjs models). */
const loaders = new Map<ModelFormat, (location: string, options: LoadModelOptions) => Promise<Model>>();

/** Registers the loader of a model format; adapters call this when their module is imported. */
export function registerModelLoader(format: ModelFormat, loader: (location: string, options: LoadModelOptions) => Promise<Model>): void {
  loaders.set(format, loader);
}

/**
 * Loads a model from a path or URL, choosing the adapter from the location and the file's content:
 * http(s):// → HTTP endpoint; .onnx → onnxruntime; .json → XGBoost (a `learner` key) or TF.js
 * (a `modelTopology` key); .txt → LightGBM; .js/.mjs → a module exporting `predict`.
 */
export async function loadModel(location: string, options: LoadModelOptions = {}): Promise<Model> {
  const format = await detectModelFormat(location);
  if (format === 'onnx' && !loaders.has('onnx')) return loadOnnxModel(location, options);
  if (format === 'js-module') return loadJsModule(location, options);
  const loader = loaders.get(format);
  if (!loader) {
    throw new GlassboxError('unsupported_model', `${location}: ${format} models are recognised but their adapter is not available in this build.`, { file: location });
  }
  return loader(location, options);
}

/** Detects a model's format from its location and first bytes, with a clear error when unknown. */
export async function detectModelFormat(location: string): Promise<ModelFormat> {
  if (/^https?:\/\//i.test(location)) return 'http';
  const ext = extname(location).toLowerCase();
  if (ext === '.onnx') return 'onnx';
  if (ext === '.txt' || ext === '.lgb' || ext === '.model') return 'lightgbm-text';
  if (ext === '.js' || ext === '.mjs') return 'js-module';
  if (ext === '.json') {
    const head = await readHead(location, 4096);
    if (/"learner"\s*:/.test(head)) return 'xgboost-json';
    if (/"modelTopology"\s*:/.test(head) || /"weightsManifest"\s*:/.test(head)) return 'tfjs-layers';
    throw new GlassboxError('unsupported_model', `${location}: a JSON file that is neither an XGBoost model (no "learner" key) nor a TF.js model.json (no "modelTopology").`, {
      file: location,
      hint: 'Save XGBoost models with booster.save_model("model.json"); TF.js models with model.save().',
    });
  }
  throw new GlassboxError('unsupported_model', `${location}: unknown model format "${ext || '(no extension)'}".`, {
    file: location,
    hint: 'Supported: .onnx, XGBoost .json, LightGBM .txt, TF.js model.json, .js/.mjs modules exporting predict, http(s):// endpoints.',
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
  const { fnModel } = await import('./fn.js');
  const task = options.task ?? source.task ?? 'binary';
  const classes = options.classes ?? source.classes ?? (task === 'regression' ? [] : ['0', '1']);
  const predict = source.predict;
  return fnModel({ predict: async (x, n) => Float32Array.from(await predict(x, n)), task, classes, inputWidth: source.inputWidth });
}
