import type { ScanContext } from './detector.js';

/** The command that reproduces a scan's findings (same inputs, same seed). */
export function reproduceCommand(context: Pick<ScanContext, 'options' | 'seed'>): string {
  const base = typeof context.options.command === 'string' ? context.options.command : 'glassbox scan';
  return base.includes('--seed') ? base : `${base} --seed ${context.seed}`;
}
