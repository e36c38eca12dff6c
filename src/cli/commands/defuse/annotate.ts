import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import { acceptSourceLabels, parseScenarioLabels } from '../../../defuse/annotate.js';
import { readScenariosFile, type AnnotationsFile } from '../../../defuse/scenarios-file.js';

export interface AnnotateFlags {
  label?: string;
  acceptSource?: boolean;
  out?: string;
}

/** `glassbox defuse annotate scenarios.json --label 3=8,5=0 | --accept-source [--out annotations.json]`. */
export async function runAnnotate(scenariosPath: string, flags: AnnotateFlags): Promise<string> {
  if (!flags.label === !flags.acceptSource) throw new GlassboxError('invalid_argument', 'glassbox defuse annotate needs exactly one of --label ID=CLASS,… and --accept-source', { argument: '--label', hint: 'e.g. glassbox defuse annotate out/scenarios.json --label 3=8,5=0' });
  const file = await readScenariosFile(scenariosPath);
  const labels = flags.label ? parseScenarioLabels(flags.label, file) : acceptSourceLabels(file);
  const out = flags.out ?? join(dirname(scenariosPath), 'annotations.json');
  let previous: Record<string, string> = {};
  const existing = await readFile(out, 'utf8').then((t) => JSON.parse(t) as AnnotationsFile, () => undefined);
  if (existing?.format === 'glassbox-defuse-annotations' && typeof existing.labels === 'object') previous = { ...existing.labels };
  for (const [id, c] of labels) previous[String(id)] = file.classes[c]!;
  const sorted = Object.fromEntries(Object.entries(previous).sort((a, b) => Number(a[0]) - Number(b[0])));
  const annotations: AnnotationsFile = { format: 'glassbox-defuse-annotations', version: 1, scenarios: relative(dirname(out), scenariosPath) || 'scenarios.json', labels: sorted };
  await writeFileAtomic(out, `${JSON.stringify(annotations, null, 2)}\n`);
  return `${JSON.stringify({ annotations: out, labels: sorted })}\n`;
}
