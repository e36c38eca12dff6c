import * as ort from 'onnxruntime-node';
import { GlassboxError } from '../../errors.js';
import { onnxSessionOptions } from '../onnx-session-options.js';
import { compileOrtModel, GRADIENT_OUTPUT, SEED_INPUT, type GraphFacts } from './backward/compile.js';
import { LABELS_INPUT, LOSS_OUTPUT, type LossSpec } from './backward/loss-head.js';
import type { HostTensor } from './host-tensor.js';

export interface OrtRunResult {
  readonly gradient?: Float32Array;
  /** Per-row loss, when the request has a loss. */
  readonly loss?: Float32Array;
  readonly outputs: ReadonlyMap<string, { data: Float32Array; dims: readonly number[] }>;
}

export interface OrtGradientRequest {
  readonly source: string;
  readonly target: string;
  readonly guided: boolean;
  /** A loss of the target is differentiated instead (then `seed` holds one-hot labels, [n, k]). */
  readonly loss?: LossSpec;
  /** Σ seed ⊙ target is differentiated; the seed has the target tensor's shape. */
  readonly seed: Float32Array;
}

/**
 * Runs forward passes and reverse-mode gradients of an ONNX graph in onnxruntime: each distinct
 * request (outputs, gradient source, guided ReLU) is compiled once into an ONNX model holding the
 * forward graph plus its backward nodes (backward/compile.ts) and cached as a session.
 * Compilation throws `unsupported_model` when an op on the gradient path has no rule.
 */
export class OrtGradientEngine {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(
    private readonly original: Uint8Array,
    private readonly facts: GraphFacts,
    private readonly inputName: string,
    private readonly weights?: ReadonlyMap<string, HostTensor>,
  ) {}

  /** The same graph with other weights (sessions are not shared). */
  withWeights(weights: ReadonlyMap<string, HostTensor>): OrtGradientEngine {
    return new OrtGradientEngine(this.original, this.facts, this.inputName, weights);
  }

  /** Compiles (once) the model for a request; rejects when the graph cannot be differentiated here. */
  prepare(outputs: readonly string[], gradient?: Omit<OrtGradientRequest, 'seed'>): Promise<ort.InferenceSession> {
    const key = `${outputs.join('\u0000')}\u0001${gradient ? `${gradient.source}\u0000${gradient.target}\u0000${gradient.guided}\u0000${gradient.loss ? JSON.stringify(gradient.loss) : ''}` : ''}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = (async () => {
        const bytes = compileOrtModel(this.original, this.facts, { outputs, ...(gradient ? { gradient } : {}), ...(this.weights ? { weights: this.weights } : {}) });
        try {
          return await ort.InferenceSession.create(bytes, onnxSessionOptions());
        } catch (cause) {
          throw new GlassboxError('unsupported_model', `onnxruntime rejected the gradient graph: ${(cause as Error).message}`, { hint: 'Gradients for this graph are computed by the tfjs interpreter instead.' }, { cause });
        }
      })();
      this.sessions.set(key, session);
      session.catch(() => undefined);
    }
    return session;
  }

  /** One batch: `x` in the graph input's shape; returns the gradient (if asked) and the outputs. */
  async run(x: Float32Array, shape: readonly number[], outputs: readonly string[], gradient?: OrtGradientRequest): Promise<OrtRunResult> {
    const session = await this.prepare(outputs, gradient);
    const feeds: Record<string, ort.Tensor> = { [this.inputName]: new ort.Tensor('float32', x, [...shape]) };
    if (gradient?.loss) {
      feeds[LABELS_INPUT] = new ort.Tensor('float32', gradient.seed, [shape[0] ?? 0, gradient.loss.binarySingle ? 2 : gradient.loss.rawWidth]);
    } else if (gradient) {
      const targetShape = this.facts.shapes.get(gradient.target) ?? [];
      feeds[SEED_INPUT] = new ort.Tensor('float32', gradient.seed, [shape[0] ?? 0, ...targetShape.slice(1)]);
    }
    const result = await session.run(feeds);
    const read = (name: string) => {
      const t = result[name];
      if (!t) throw new GlassboxError('internal', `onnxruntime returned no tensor '${name}'.`);
      return { data: t.data as Float32Array, dims: t.dims };
    };
    return {
      ...(gradient ? { gradient: read(GRADIENT_OUTPUT).data } : {}),
      ...(gradient?.loss ? { loss: read(LOSS_OUTPUT).data } : {}),
      outputs: new Map(outputs.map((name) => [name, read(name)])),
    };
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) {
      try {
        await (await s).release();
      } catch {
        // a session that failed to compile holds nothing
      }
    }
  }
}
