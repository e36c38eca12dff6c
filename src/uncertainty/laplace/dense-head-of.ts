import { readFile } from 'node:fs/promises';
import { GlassboxError } from '../../errors.js';
import type { DenseHead } from '../../model/dense-head.js';
import type { Model } from '../../model/model.js';
import type { TfjsLayersModel } from '../../model/tfjs/layers-model.js';

/**
 * The dense last layer of a model, or the reason there is none: a TF.js LayersModel's last Dense, or the
 * final Gemm/MatMul of an ONNX graph (the gradient adapter keeps the file's bytes; for the plain adapter
 * `onnxFile` names the file the model was loaded from). Adapters are
 * imported only for the kind of model met.
 */
export async function denseHeadOf(model: Model, options: { onnxFile?: string } = {}): Promise<{ head: DenseHead } | { reason: string }> {
  try {
    const layers = (model as Partial<TfjsLayersModel>).model?.layers;
    if (Array.isArray(layers) && typeof (model as Partial<TfjsLayersModel>).activations === 'function') {
      const { tfjsDenseHead } = await import('../../model/tfjs/dense-head.js');
      return { head: tfjsDenseHead(model as TfjsLayersModel) };
    }
    const bytes = (model as { onnxBytes?: Uint8Array }).onnxBytes;
    if (bytes instanceof Uint8Array) {
      const { onnxDenseHead } = await import('../../model/onnx-dense-head.js');
      return { head: await onnxDenseHead(bytes, { source: options.onnxFile ?? 'ONNX model' }) };
    }
    if (options.onnxFile && /\.onnx$/i.test(options.onnxFile)) {
      const { onnxDenseHead } = await import('../../model/onnx-dense-head.js');
      const meta = model as { inputName?: string; outputName?: string };
      return { head: await onnxDenseHead(await readFile(options.onnxFile), { source: options.onnxFile, ...(meta.inputName ? { inputName: meta.inputName } : {}), ...(meta.outputName ? { outputName: meta.outputName } : {}) }) };
    }
    return { reason: 'only TF.js LayersModels and ONNX graphs expose a dense last layer to glassbox' };
  } catch (error) {
    if (error instanceof GlassboxError) return { reason: error.message };
    throw error;
  }
}
