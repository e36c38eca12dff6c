import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { GlassboxError } from '../../errors.js';
import type { TreeEnsemble } from './ir.js';
import { parseLightgbmText } from './lightgbm.js';
import { parseOnnxTrees } from './onnx-trees.js';
import { treeModel } from './tree-model.js';
import type { TreeModel } from './tree-model.js';
import { parseXgboostJson } from './xgboost.js';

export type TreeFormat = 'xgboost-json' | 'lightgbm-text' | 'onnx-trees';

/**
 * Recognises a tree-model file by content: XGBoost save_model JSON, LightGBM text, or an ONNX model
 * with a TreeEnsembleClassifier/Regressor node. Returns undefined for anything else, so a generic model
 * loader can try this first and fall through to its other adapters.
 */
export function detectTreeFormat(bytes: Uint8Array): TreeFormat | undefined {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
  if (head.startsWith('{')) return head.includes('"learner"') ? 'xgboost-json' : undefined;
  if (/^tree\r?\n/.test(head) || (/(^|\n)version=v\d/.test(head) && /(^|\n)max_feature_idx=/.test(head))) return 'lightgbm-text';
  try {
    const graph = onnxProto.onnx.ModelProto.decode(bytes).graph;
    if ((graph?.node ?? []).some((n) => n.opType === 'TreeEnsembleClassifier' || n.opType === 'TreeEnsembleRegressor')) return 'onnx-trees';
  } catch {
    return undefined;
  }
  return undefined;
}

/** Parses tree-model bytes of any supported format into the IR; `file` names it in errors. */
export function parseTreeEnsemble(bytes: Uint8Array, file: string): TreeEnsemble {
  const format = detectTreeFormat(bytes);
  switch (format) {
    case 'xgboost-json':
      return parseXgboostJson(new TextDecoder().decode(bytes), file);
    case 'lightgbm-text':
      return parseLightgbmText(new TextDecoder().decode(bytes), file);
    case 'onnx-trees':
      return parseOnnxTrees(bytes, file);
    default:
      throw new GlassboxError('unsupported_model', `${file}: not a recognised tree model (XGBoost JSON, LightGBM text or ONNX TreeEnsemble)`, {
        file,
        hint: bytes[0] === 0x7b
          ? 'A JSON file must be an XGBoost save_model("model.json") document; LightGBM JSON dumps are not supported, save the text model instead. A truncated file also ends up here.'
          : 'XGBoost: Booster.save_model("model.json"); LightGBM: Booster.save_model("model.txt"); scikit-learn trees: convert with skl2onnx. Binary UBJSON (.ubj) is not supported.',
      });
  }
}

/** Reads and parses a tree model file, returning a natively scored Model with the tree-ensemble capability. */
export async function loadTreeModel(path: string, options: { classes?: readonly string[] } = {}): Promise<TreeModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new GlassboxError('io_error', `Cannot read model file ${path}: ${(cause as Error).message}`, { file: path, hint: 'Check the path and permissions.' }, { cause });
  }
  return treeModel(parseTreeEnsemble(bytes, path), options);
}
