import { GlassboxError } from '../../errors.js';
import type { Task } from '../model.js';
import type { GraphIR } from './graph-ir.js';
import type { Head } from './heads.js';
import { OnnxInterpreter } from './interpreter.js';
import type { TF } from './op-context.js';
import { OrtGradientEngine } from './ort-engine.js';
import type { OrtModelInfo } from './ort-paths.js';
import { probeShapes } from './probe-shapes.js';

export interface OrtSetup {
  readonly bytes: Uint8Array;
  readonly graph: GraphIR;
  readonly tf: TF;
  readonly inputName: string;
  readonly inputDims: readonly (number | null)[];
  readonly head: Head;
  readonly task: Task;
  readonly batchSize: number;
  readonly mode: 'auto' | 'onnxruntime';
}

/**
 * Prepares the onnxruntime gradient engine: probes static shapes, then compiles the input-gradient
 * graph once to learn whether every op on the path has a backward rule. Returns a note instead when
 * it cannot (or throws, with mode 'onnxruntime').
 */
export async function setUpOrtEngine(setup: OrtSetup): Promise<{ ort?: OrtModelInfo; note?: string }> {
  const probe = new OnnxInterpreter(setup.tf, setup.graph);
  let engine: OrtGradientEngine | undefined;
  try {
    const shapes = probeShapes(probe, setup.inputName, setup.inputDims);
    if (!shapes) return refuse(setup, 'the input has dimensions other than the batch that are not fixed, so backward shapes cannot be planned');
    engine = new OrtGradientEngine(setup.bytes, { graph: setup.graph, shapes, constants: new Map(probe.constants) }, setup.inputName);
    await engine.prepare([], { source: setup.inputName, target: setup.head.logitsTensor, guided: false });
    const rawWidth = (shapes.get(setup.head.logitsTensor) ?? [2, 1]).slice(1).reduce((a, b) => a * b, 1);
    const head = { rawWidth, binarySingle: setup.task === 'binary' && rawWidth === 1, regression: setup.task === 'regression' };
    return { ort: { engine, inputName: setup.inputName, logitsTensor: setup.head.logitsTensor, head, batchSize: setup.batchSize } };
  } catch (error) {
    await engine?.dispose();
    if (!(error instanceof GlassboxError) || error.code !== 'unsupported_model') throw error;
    return refuse(setup, error.message);
  } finally {
    probe.dispose();
  }
}

function refuse(setup: OrtSetup, why: string): { note: string } {
  if (setup.mode === 'onnxruntime') {
    throw new GlassboxError('unsupported_model', `onnxruntime cannot compute gradients of this graph: ${why}`, { hint: "Use engine: 'auto' or 'tfjs' to compute gradients with the tfjs interpreter." });
  }
  return { note: `gradients computed by the tfjs interpreter: ${why}` };
}
