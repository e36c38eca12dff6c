import { z } from 'zod';
import { GlassboxError } from '../../errors.js';
import type { Calibrator } from './calibrator.js';

const finite = z.number().finite();
const fittedOn = z.object({
  rows: z.number().int().positive(),
  classes: z.number().int().min(2),
  classNames: z.array(z.string()).optional(),
  scores: z.enum(['logits', 'probabilities']),
  nllBefore: finite,
  nllAfter: finite,
  source: z.string().optional(),
});
const base = { format: z.literal('glassbox-calibrator'), version: z.literal(1), fittedOn };
const schema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('temperature'), temperature: finite.positive() }),
  z.object({ ...base, kind: z.literal('vector'), weights: z.array(finite), biases: z.array(finite) }),
  z.object({ ...base, kind: z.literal('platt'), slope: finite, intercept: finite }),
  z.object({ ...base, kind: z.literal('isotonic'), x: z.array(finite).min(1), y: z.array(finite.min(0).max(1)).min(1) }),
]);

/** The calibrator as JSON text (keys in a fixed order; same calibrator → same bytes). */
export function calibratorToJson(calibrator: Calibrator): string {
  const { format, version, kind, fittedOn, ...parameters } = calibrator;
  return `${JSON.stringify({ format, version, kind, ...parameters, fittedOn }, null, 2)}\n`;
}

/** Parses and validates calibrator JSON (as written by calibratorToJson); `source` names the file in errors. */
export function calibratorFromJson(text: string, source = 'calibrator'): Calibrator {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GlassboxError('invalid_input', `${source}: not JSON (${(error as Error).message}).`, { file: source, hint: 'Write it with glassbox calibration --calibrator-out FILE.' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GlassboxError('invalid_input', `${source}: not a glassbox calibrator (${issue.path.join('.') || 'root'}: ${issue.message}).`, { file: source, hint: 'Write it with glassbox calibration --calibrator-out FILE.' });
  }
  const c = parsed.data as Calibrator;
  const k = c.fittedOn.classes;
  if (c.kind === 'vector' && (c.weights.length !== k || c.biases.length !== k)) throw new GlassboxError('invalid_input', `${source}: vector scaling needs ${k} weights and ${k} biases.`, { file: source });
  if (c.kind === 'isotonic' && (c.x.length !== c.y.length || c.x.some((x, i) => i > 0 && x < c.x[i - 1]!) || c.y.some((y, i) => i > 0 && y < c.y[i - 1]!))) {
    throw new GlassboxError('invalid_input', `${source}: the isotonic map needs as many x as y, both non-decreasing.`, { file: source });
  }
  if ((c.kind === 'platt' || c.kind === 'isotonic') && k !== 2) throw new GlassboxError('invalid_input', `${source}: ${c.kind} calibrators are binary (2 classes).`, { file: source });
  return c;
}
