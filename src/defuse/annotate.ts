import { GlassboxError } from '../errors.js';
import { majority } from './distill.js';
import type { ScenariosFile } from './scenarios-file.js';

/**
 * Parses `--label 3=8,5=0` against a scenarios file: scenario id → class index. A class is given by
 * name (as in scenarios.json) or by its output index; ids must exist.
 */
export function parseScenarioLabels(spec: string, file: Pick<ScenariosFile, 'classes' | 'scenarios'>): Map<number, number> {
  const out = new Map<number, number>();
  const ids = new Set(file.scenarios.map((s) => s.id));
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^(\d+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new GlassboxError('invalid_argument', `--label: "${part}" is not ID=CLASS`, { argument: '--label', hint: 'e.g. --label 3=8,5=0 (scenario 3 is really an 8, scenario 5 a 0).' });
    const id = Number(m[1]);
    if (!ids.has(id)) throw new GlassboxError('invalid_argument', `--label: there is no scenario ${id} (ids ${[...ids].join(', ')})`, { argument: '--label', hint: 'Use the ids in scenarios.json.' });
    const name = m[2]!.trim();
    let c = file.classes.indexOf(name);
    if (c < 0 && /^\d+$/.test(name) && Number(name) < file.classes.length) c = Number(name);
    if (c < 0) throw new GlassboxError('invalid_argument', `--label: "${name}" is not a class (${file.classes.join(', ')})`, { argument: '--label', hint: 'Use a class name from scenarios.json.' });
    out.set(id, c);
  }
  if (out.size === 0) throw new GlassboxError('invalid_argument', '--label names no scenario', { argument: '--label', hint: 'e.g. --label 3=8,5=0' });
  return out;
}

/** `--accept-source`: every scenario labelled with the majority source label of its members. */
export function acceptSourceLabels(file: Pick<ScenariosFile, 'classes' | 'scenarios'>): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of file.scenarios) {
    const counts = new Int32Array(file.classes.length);
    for (const [name, n] of Object.entries(s.sourceLabels)) counts[file.classes.indexOf(name)] = n;
    out.set(s.id, majority(counts));
  }
  return out;
}
