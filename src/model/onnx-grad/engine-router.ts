import { GlassboxError } from '../../errors.js';
import { crossEntropySpec, type OrtModelInfo } from './ort-paths.js';

/** What a request asks the backward compiler for (absent: a forward request). */
export interface GradientRequest {
  readonly source: string;
  readonly guided: boolean;
  readonly crossEntropy?: boolean;
}

/**
 * Which engine answers each request of an ONNX gradient model: onnxruntime with a compiled graph when it
 * can, otherwise the tfjs interpreter. A request onnxruntime cannot compile is remembered (by key) with
 * its reason, so it goes straight to tfjs next time and `note` can say why; with mode 'onnxruntime' the
 * compile error is thrown instead. Also records which engine computed the latest gradients.
 */
export class EngineRouter {
  /** Requests whose graph onnxruntime cannot run, with the reason: they use tfjs. */
  private readonly tfjsOnly = new Map<string, string>();
  private last: 'onnxruntime' | 'tfjs';

  constructor(
    readonly ort: OrtModelInfo | undefined,
    private readonly mode: 'auto' | 'onnxruntime' | 'tfjs',
    private readonly loadNote: string | undefined,
  ) {
    this.last = ort ? 'onnxruntime' : 'tfjs';
  }

  /** The engine that computed the latest gradients (before any: the one planned at load). */
  get lastEngine(): 'onnxruntime' | 'tfjs' {
    return this.last;
  }

  /** Why gradients are computed by tfjs: the load-time reason, or the requests that fell back since. */
  get note(): string | undefined {
    const fallbacks = [...this.tfjsOnly].map(([key, why]) => `${describeRequest(key)}: ${why}`);
    if (fallbacks.length === 0) return this.loadNote;
    return [this.loadNote, `computed by the tfjs interpreter because onnxruntime could not compile them — ${fallbacks.join('; ')}`].filter(Boolean).join('; ');
  }

  /** Records which engine computed a gradient request and passes its result on. */
  used<R>(engine: 'onnxruntime' | 'tfjs', result: R): R {
    this.last = engine;
    return result;
  }

  /** Runs `work` on onnxruntime unless this request cannot be compiled there (then undefined: use tfjs). */
  async viaOrt<R>(key: string, outputs: readonly string[], gradient: GradientRequest | undefined, work: (info: OrtModelInfo) => Promise<R>): Promise<R | undefined> {
    const info = this.ort;
    if (!info || this.tfjsOnly.has(key)) return undefined;
    try {
      await info.engine.prepare(outputs, gradient ? { source: gradient.source, guided: gradient.guided, target: info.logitsTensor, ...(gradient.crossEntropy ? { loss: crossEntropySpec(info) } : {}) } : undefined);
    } catch (error) {
      if (this.mode === 'onnxruntime' || !(error instanceof GlassboxError) || error.code !== 'unsupported_model') throw error;
      this.tfjsOnly.set(key, error.message);
      return undefined;
    }
    return work(info);
  }
}

/** A request key (see the adapter's callers of viaOrt) in words, for `note`. */
function describeRequest(key: string): string {
  const [kind, a, b] = key.split('|');
  const guided = (flag: string | undefined): string => (flag === 'true' ? ' (guided ReLU)' : '');
  if (kind === 'input' || kind === 'input+outputs') return `input gradients${guided(a)}`;
  if (kind === 'loss') return `loss gradients (${a ?? ''})`;
  if (kind === 'layer') return `gradients w.r.t. '${a}'${guided(b)}`;
  if (kind === 'activations') return `activations ${key.slice('activations|'.length).split('\u0000').join(', ')}`;
  return kind ?? key;
}
