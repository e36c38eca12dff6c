import type { ScanResults } from '../results/schema.js';
import { formatNumber } from './format.js';

/** findings.md: the scan's findings as Markdown, most severe first, for pull requests and chat. */
export function renderFindingsMarkdown(results: ScanResults): string {
  const { input, summary } = results;
  const lines = [
    `# glassbox scan: ${input.demo ? `demo ${input.demo}` : input.model}`,
    '',
    `${input.rows} rows · task ${input.task} · seed ${input.seed} · ${summary.findings} findings` +
      (summary.maxSeverity ? ` (most severe: ${summary.maxSeverity})` : ''),
    '',
  ];
  for (const w of results.warnings ?? []) lines.push(`> **Warning (${w.code})**: ${w.message}`, '');
  if (results.findings.length === 0) lines.push('No findings.');
  for (const f of results.findings) {
    const interval = f.interval ? ` (${Math.round(f.interval.level * 100)}% CI ${formatNumber(f.interval.low)}–${formatNumber(f.interval.high)})` : '';
    const baseline = f.baseline === undefined || f.baseline === null ? '' : `, baseline ${formatNumber(f.baseline)}`;
    lines.push(`## [${f.severity}] ${f.title}`, '', f.summary, '', `- **${f.metric}**: ${formatNumber(f.value)}${interval}${baseline}`);
    for (const r of f.related ?? []) {
      const ci = r.interval ? ` (${Math.round(r.interval.level * 100)}% CI ${formatNumber(r.interval.low)}–${formatNumber(r.interval.high)})` : '';
      lines.push(`- **${r.relation === 'same-rows' ? 'same rows' : r.relation === 'same-test' ? 'same test' : r.relation}** — ${r.title}: ${r.metric} ${r.value === null ? '—' : formatNumber(r.value)}${ci}; ${r.reason}`);
    }
    if (f.slice?.length) lines.push(`- **slice**: ${f.slice.map((p) => `${p.feature} ${p.op} ${JSON.stringify(p.value)}`).join(' AND ')}`);
    if (f.examples.length) lines.push(`- **example rows**: ${f.examples.slice(0, 10).join(', ')}`);
    lines.push(`- **suggestion**: ${f.suggestion}`, `- **reproduce**: \`${f.reproduce}\``, '');
  }
  const skipped = summary.detectors.filter((d) => d.status !== 'ran');
  if (skipped.length) {
    lines.push('## Detectors not run', '');
    for (const d of skipped) lines.push(`- ${d.title}: ${d.status === 'skipped' ? 'not applicable' : d.status}${d.reason ? ` — ${d.reason}` : ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
