import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tf from './tfjs-api.js';
import type { io } from './tfjs-api.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { GlassboxError } from '../../errors.js';
import { float32ToFloat16Bits } from './float16.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** model.json as written by tfjs (`tf.io.ModelJSON`), read loosely. */
interface ModelJsonFile {
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
  signature?: unknown;
  modelInitializer?: unknown;
  trainingConfig?: unknown;
}

/** Resolves a path to the directory holding model.json (accepts the directory or the model.json path). */
export function modelDirectory(path: string): string {
  return path.endsWith('.json') ? dirname(resolve(path)) : resolve(path);
}

export { writeFileAtomic };

/**
 * Reads a TF.js model folder (model.json plus its weight shards) into memory artifacts. Works for
 * LayersModel and GraphModel files alike. Throws `io_error` naming the missing file.
 */
export async function readModelArtifacts(path: string): Promise<io.ModelArtifacts> {
  const dir = modelDirectory(path);
  const jsonPath = path.endsWith('.json') ? resolve(path) : join(dir, MODEL_JSON);
  let json: ModelJsonFile;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJsonFile;
  } catch (error) {
    throw new GlassboxError('io_error', `Could not read the TF.js model file ${jsonPath}: ${(error as Error).message}`, {
      file: jsonPath,
      hint: 'Pass the folder that holds model.json and its .bin weight files (as written by model.save or tensorflowjs_converter).',
    }, { cause: error });
  }
  if (!json.modelTopology) {
    throw new GlassboxError('unsupported_model', `${jsonPath} has no modelTopology: it is not a TF.js model.json`, { file: jsonPath, hint: 'Convert the model with tensorflowjs_converter.' });
  }
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) {
      const shardPath = join(dir, shard);
      try {
        buffers.push(new Uint8Array(await readFile(shardPath)));
      } catch (error) {
        throw new GlassboxError('io_error', `The weight file ${shardPath} listed in ${jsonPath} could not be read`, { file: shardPath, hint: 'Keep model.json and its .bin files together in one folder.' }, { cause: error });
      }
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
    ...(json.format ? { format: json.format } : {}),
    ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, object> } : {}),
    ...(json.signature ? { signature: json.signature as object } : {}),
    ...(json.modelInitializer ? { modelInitializer: json.modelInitializer as object } : {}),
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig as io.TrainingConfig } : {}),
  };
}

/** An IOHandler that loads a model folder from the file system (tfjs-node's file:// is unavailable here). */
export function fileLoadHandler(path: string): io.IOHandler {
  return { load: () => readModelArtifacts(path) };
}

function weightBytes(artifacts: io.ModelArtifacts): Uint8Array {
  const data = artifacts.weightData;
  if (!data) return new Uint8Array(0);
  const list = Array.isArray(data) ? data : [data];
  return new Uint8Array(tf.io.concatenateArrayBuffers(list as ArrayBuffer[]));
}

export interface SaveWeightOptions {
  /** Store float32 weights as float16 (`quantization: { dtype: 'float16' }`), half the bytes; tfjs decodes them on load. */
  readonly float16?: boolean;
}

/** The artifacts with every float32 weight stored as float16 (others unchanged). */
function toFloat16(artifacts: io.ModelArtifacts): io.ModelArtifacts {
  const bytes = weightBytes(artifacts);
  const parts: Uint8Array[] = [];
  const specs: io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const size = count * (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : spec.dtype === 'bool' ? 1 : 4);
    if (spec.dtype === 'float32' && !spec.quantization) {
      const values = new Float32Array(bytes.slice(offset, offset + size).buffer);
      parts.push(new Uint8Array(float32ToFloat16Bits(values).buffer));
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      parts.push(bytes.slice(offset, offset + size));
      specs.push(spec);
    }
    offset += size;
  }
  return { ...artifacts, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(parts.map((p) => p.buffer as ArrayBuffer)) };
}

/**
 * An IOHandler that saves into a folder as model.json + weights.bin, each written atomically; the
 * weights go first so a present model.json always has its weights. `metadata` is merged into
 * `userDefinedMetadata`.
 */
export function fileSaveHandler(path: string, metadata?: Record<string, unknown>, options: SaveWeightOptions = {}): io.IOHandler {
  const dir = modelDirectory(path);
  return {
    save: async (input: io.ModelArtifacts): Promise<io.SaveResult> => {
      await mkdir(dir, { recursive: true });
      const artifacts = options.float16 ? toFloat16(input) : input;
      const bytes = weightBytes(artifacts);
      await writeFileAtomic(join(dir, WEIGHTS_BIN), bytes);
      const json: ModelJsonFile = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.signature ? { signature: artifacts.signature } : {}),
        userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), ...(metadata ?? {}) },
      };
      const text = JSON.stringify(json);
      await writeFileAtomic(join(dir, MODEL_JSON), text);
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON', modelTopologyBytes: text.length, weightSpecsBytes: JSON.stringify(json.weightsManifest).length, weightDataBytes: bytes.byteLength } };
    },
  };
}

/** True when `path` (a folder or a model.json) holds a model.json. */
export async function hasModelJson(path: string): Promise<boolean> {
  try {
    await stat(path.endsWith('.json') ? path : join(path, MODEL_JSON));
    return true;
  } catch {
    return false;
  }
}
