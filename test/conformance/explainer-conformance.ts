import { describe, expect, it } from 'vitest';
import { attributionFromJson, attributionToJson } from '../../src/explain/attribution.js';
import type { Attribution } from '../../src/explain/attribution.js';
import type { ExplainContext, Explainer } from '../../src/explain/explainer.js';
import type { Capability } from '../../src/model/capabilities.js';

/**
 * One case of the shared explainer conformance suite: how to build the explainer (from a seed), the
 * subject and input, how to take one row of the input, and — for explainers that require capabilities —
 * how to get a subject lacking one. Every factory in src/explain/registry.ts runs this suite through
 * test/conformance/registry.test.ts (a skip needs a written reason there).
 */
export interface ConformanceCase<S, X> {
  readonly name: string;
  readonly make: (seed: number) => Explainer<S, X>;
  readonly subject: () => S | Promise<S>;
  readonly input: X;
  readonly rows: number;
  readonly row: (x: X, i: number) => X;
  /** Expected per-row shape of the values (e.g. [features] or [C, H, W]). */
  readonly perRowShape: readonly number[];
  readonly context?: Omit<ExplainContext<X>, 'signal' | 'onProgress'>;
  /** A subject without `capability`, for the missing-capability check. */
  readonly without?: (subject: S, capability: Capability) => S;
  /** Batch vs row-by-row tolerance (default 1e-12). */
  readonly tolerance?: number;
}

/** Defines the conformance tests for one explainer (call inside a test file). */
export function explainerConformance<S, X>(c: ConformanceCase<S, X>): void {
  describe(`conformance: ${c.name}`, () => {
    const run = async (seed: number, x: X = c.input, extra: Partial<ExplainContext<X>> = {}): Promise<Attribution> =>
      c.make(seed).explain(await c.subject(), x, { ...c.context, ...extra });

    it('declares a frozen contract (method, requires, properties, options)', () => {
      const e = c.make(0);
      expect(Object.isFrozen(e)).toBe(true);
      expect(typeof e.method).toBe('string');
      expect(Array.isArray(e.requires)).toBe(true);
      expect(typeof e.properties.completeness).toBe('boolean');
      expect(typeof e.properties.stochastic).toBe('boolean');
    });

    it('returns values of shape [rows, ...perRow] with per-row outputs, bases and targets', async () => {
      const a = await run(0);
      expect(a.shape).toEqual([c.rows, ...c.perRowShape]);
      expect(a.values.length).toBe(c.rows * c.perRowShape.reduce((p, q) => p * q, 1));
      expect(a.outputs.length).toBe(c.rows);
      expect(a.baseValues.length).toBe(c.rows);
      expect(a.target.length).toBe(c.rows);
      expect(a.values.every(Number.isFinite)).toBe(true);
      if (a.stderr) expect(a.stderr.length).toBe(a.values.length);
      if (c.make(0).properties.completeness) for (const d of a.delta ?? []) expect(Math.abs(d)).toBeLessThan(1e-6);
    });

    it('gives identical values for the same seed', async () => {
      const a = await run(7);
      const b = await run(7);
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      expect(Array.from(b.baseValues)).toEqual(Array.from(a.baseValues));
    });

    it('gives the same values for a batch as row by row', async () => {
      const batch = await run(3);
      const width = batch.values.length / c.rows;
      for (let i = 0; i < c.rows; i++) {
        const single = await run(3, c.row(c.input, i), { target: selectTarget(c.context?.target, i) });
        // Players per row may differ (text): a batch pads shorter rows with zeros.
        for (let j = 0; j < width; j++) expect(Math.abs((single.values[j] ?? 0) - batch.values[i * width + j]!)).toBeLessThanOrEqual(c.tolerance ?? 1e-12);
        expect(single.target[0]).toBe(batch.target[i]);
      }
    });

    it('survives a JSON round trip', async () => {
      const a = await run(1);
      const back = attributionFromJson(JSON.parse(JSON.stringify(attributionToJson(a))));
      expect(Array.from(back.values)).toEqual(Array.from(a.values));
      expect(back.shape).toEqual(a.shape);
      expect(back.featureNames).toEqual(a.featureNames);
      expect(Array.from(back.target)).toEqual(Array.from(a.target));
      expect(back.extras ?? null).toEqual(JSON.parse(JSON.stringify(a.extras ?? null)));
      if (a.stderr) expect(Array.from(back.stderr!)).toEqual(Array.from(a.stderr));
    });

    const requires = c.make(0).requires;
    it.skipIf(requires.length === 0)(`throws missing_capability for a model without ${requires.join(', ') || '(nothing required: model-agnostic)'}`, async () => {
      if (!c.without) throw new Error(`${c.name} requires capabilities; the case must provide 'without'`);
      for (const capability of requires) {
        await expect(c.make(0).explain(c.without(await c.subject(), capability), c.input, c.context)).rejects.toMatchObject({ code: 'missing_capability' });
      }
    });

    it('stops with `cancelled` on an aborted signal, before or during the work', async () => {
      const before = new AbortController();
      before.abort();
      await expect(run(0, c.input, { signal: before.signal })).rejects.toMatchObject({ code: 'cancelled' });
      const during = new AbortController();
      await expect(run(0, c.input, { signal: during.signal, onProgress: () => during.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    });
  });
}

function selectTarget(target: ExplainContext<unknown>['target'], i: number): ExplainContext<unknown>['target'] {
  if (target instanceof Int32Array) return Int32Array.of(target[i]!);
  return target;
}
