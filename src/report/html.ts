import type { ScanResults } from '../results/schema.js';
import type { ImageGridRow, ReportBlock, ReportSection } from '../results/blocks.js';
import { vegaLiteToSvg } from './chart-svg.js';
import { escapeHtml, markdownToHtml } from './markdown-inline.js';
import { formatNumber } from './format.js';
import { REPORT_CSS } from './report-css.js';

type Finding = ScanResults['findings'][number];

/**
 * The scan's self-contained HTML report: charts are rendered to inline SVG (their Vega-Lite specs,
 * data included, sit beside them as JSON), images are inlined as data URLs, and no resource is
 * fetched, so the file opens offline.
 */
export async function renderHtmlReport(results: ScanResults): Promise<string> {
  const sections: string[] = [];
  for (const section of results.sections) sections.push(await renderSection(section));
  const { input, summary } = results;
  const title = `glassbox scan — ${input.demo ? `demo ${input.demo}` : input.model}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
<header><h1>${escapeHtml(title)}</h1>
<p class="meta">Model <code>${escapeHtml(input.model)}</code> · data <code>${escapeHtml(input.data)}</code> · ${input.rows} rows audited${input.trainRows ? ` (${input.trainRows} training rows)` : ''} · task ${input.task} · classes ${escapeHtml(input.classes.join(', ') || '—')} · seed ${input.seed} · glassbox ${escapeHtml(results.tool.version)}</p>
${severityBadges(summary.bySeverity)}
${warningsBox(results.warnings ?? [])}
</header>
<section id="findings"><h2>Findings (${summary.findings})</h2>
${results.findings.length ? findingsTable(results.findings) : '<p>No findings at or above <em>info</em>.</p>'}
</section>
${sections.join('\n')}
<section id="detectors"><h2>Detectors</h2>${detectorTable(summary.detectors)}</section>
</main></body></html>
`;
}

/** Input warnings (an inferred schema, fitted scaling, unknown categories) above the findings, where nobody misses them. */
function warningsBox(warnings: NonNullable<ScanResults['warnings']>): string {
  if (warnings.length === 0) return '';
  const items = warnings.map((w) => `<li><strong>${escapeHtml(w.code)}</strong>: ${escapeHtml(w.message)}</li>`).join('');
  return `<div class="warnings" role="alert"><p><strong>Warning${warnings.length === 1 ? '' : 's'} about the inputs</strong></p><ul>${items}</ul></div>`;
}

function severityBadges(bySeverity: Record<string, number>): string {
  const badges = Object.entries(bySeverity)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `<span class="sev sev-${severity}">${count} ${severity}</span>`);
  return `<p class="badges">${badges.join(' ') || '<span class="sev sev-info">no findings</span>'}</p>`;
}

function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((f) => {
    const interval = f.interval ? ` <span class="ci">[${formatNumber(f.interval.low)}, ${formatNumber(f.interval.high)}]</span>` : '';
    const baseline = f.baseline === undefined || f.baseline === null ? '' : ` <span class="ci">vs ${formatNumber(f.baseline)}</span>`;
    return `<tr id="finding-${escapeHtml(f.id)}"><td><span class="sev sev-${f.severity}">${f.severity}</span></td>
<td><strong>${escapeHtml(f.title)}</strong><div class="summary">${markdownToHtml(f.summary)}</div>${relatedTable(f.related ?? [])}
<details><summary>evidence, fix and reproduction</summary><p>${escapeHtml(f.suggestion)}</p><pre>${escapeHtml(JSON.stringify(f.evidence, null, 1))}</pre><p><code>${escapeHtml(f.reproduce)}</code></p>${f.examples.length ? `<p>Example rows: ${f.examples.slice(0, 20).join(', ')}</p>` : ''}</details></td>
<td>${escapeHtml(f.metric)}</td><td class="num">${f.value === null ? '—' : formatNumber(f.value)}${interval}${baseline}</td></tr>`;
  });
  return `<table class="findings"><thead><tr><th>severity</th><th>finding</th><th>metric</th><th>value</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

const RELATION_LABEL: Record<string, string> = { 'same-rows': 'same rows', complement: 'complement', intersection: 'intersection', 'same-test': 'same test' };

/**
 * Findings folded into this one (same rows, complement, restating intersection), one line each with its
 * metric and interval beside the parent's; why it was folded is shown where the title does not say it.
 */
function relatedTable(related: NonNullable<Finding['related']>): string {
  if (related.length === 0) return '';
  const items = related.map((r) => {
    const ci = r.interval ? ` <span class="ci">[${formatNumber(r.interval.low)}, ${formatNumber(r.interval.high)}]</span>` : '';
    const why = r.relation === 'same-rows' ? '' : `<div class="ci">${escapeHtml(r.reason)}</div>`;
    return `<li><span class="sev sev-info">${RELATION_LABEL[r.relation] ?? r.relation}</span> ${escapeHtml(r.title)} <span class="ci">(${r.severity} on its own)</span> — ${escapeHtml(r.metric)} <strong>${r.value === null ? '—' : formatNumber(r.value)}</strong>${ci}${why}</li>`;
  });
  return `<ul class="related">${items.join('')}</ul>`;
}

function detectorTable(detectors: ScanResults['summary']['detectors']): string {
  const status = (d: (typeof detectors)[number]): string => (d.status === 'skipped' ? 'not applicable' : d.status);
  const rows = detectors.map((d) => `<tr><td>${escapeHtml(d.title)}</td><td>${status(d)}</td><td>${escapeHtml(d.reason ?? '')}</td></tr>`);
  return `<table><thead><tr><th>detector</th><th>status</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

async function renderSection(section: ReportSection): Promise<string> {
  const blocks: string[] = [];
  for (const block of section.blocks) blocks.push(await renderBlock(block));
  return `<section id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>\n${blocks.join('\n')}</section>`;
}

/** One report block as HTML (charts as inline SVG with their spec, images as data URLs). */
export async function renderBlock(block: ReportBlock): Promise<string> {
  switch (block.kind) {
    case 'text':
      return markdownToHtml(block.markdown);
    case 'table':
      return renderTable(block.columns, block.rows, block.caption);
    case 'chart': {
      const svg = await vegaLiteToSvg(block.spec);
      const json = JSON.stringify(block.spec).replace(/</g, '\\u003c');
      return `<figure class="chart">${svg}<script type="application/json" class="vega-lite-spec">${json}</script>${caption(block.caption)}</figure>`;
    }
    case 'image':
      return `<figure>${zoomableImage(block.pngBase64, block.caption ?? 'image', block.width)}${caption(block.caption)}</figure>`;
    case 'image-grid':
      return renderImageGrid(block.columns, block.rows, block.caption);
    case 'highlighted-text':
      return renderHighlightedText(block.tokens, block.weights, block.caption);
  }
}

/**
 * An image that enlarges when clicked and shrinks on a second click: a visually hidden checkbox in a
 * label, styled with :checked (no script, so the report stays self-contained and works offline).
 */
function zoomableImage(pngBase64: string, alt: string, width?: number): string {
  return `<label class="zoom" title="click to enlarge"><input type="checkbox" aria-label="enlarge ${escapeHtml(alt)}"><img alt="${escapeHtml(alt)}" src="data:image/png;base64,${pngBase64}"${width ? ` width="${width}"` : ''}></label>`;
}

/** Rows of thumbnails under column headings, each row titled (label, prediction, confidence). */
function renderImageGrid(columns: readonly string[], rows: readonly ImageGridRow[], title?: string): string {
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((row) => `<tr><th scope="row">${escapeHtml(row.title)}</th>${row.images.map((png, k) => `<td>${zoomableImage(png, `${row.title}, ${columns[k] ?? ''}`)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<figure class="image-grid"><table><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table>${caption(title)}</figure>`;
}

/** Words shown before the rest of a highlighted text is folded away. */
export const SHOWN_WORDS = 60;
/** Longest token shown in full; longer ones are cut with an ellipsis (the full token is in the tooltip). */
const LONGEST_TOKEN = 32;

/** Attribution-highlighted text: the first SHOWN_WORDS tokens, the rest behind a "show all" toggle. */
function renderHighlightedText(tokens: readonly string[], weights: readonly number[], title?: string): string {
  const scale = Math.max(1e-12, ...weights.map(Math.abs));
  const spans = tokens.map((token, i) => highlightToken(token, weights[i] ?? 0, scale));
  const head = spans.slice(0, SHOWN_WORDS).join(' ');
  const rest = spans.length > SHOWN_WORDS ? ` <details class="more"><summary>show all ${spans.length} words</summary>${spans.slice(SHOWN_WORDS).join(' ')}</details>` : '';
  return `<figure class="text-attr"><div class="tokens">${head}${rest}</div>${caption(title)}</figure>`;
}

function renderTable(columns: readonly string[], rows: readonly (readonly (string | number | null)[])[], title?: string): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="num">${formatNumber(cell)}</td>` : `<td>${cell === null ? '—' : escapeHtml(cell)}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<table>${title ? `<caption>${escapeHtml(title)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function highlightToken(token: string, weight: number, scale: number): string {
  const alpha = Math.min(1, Math.abs(weight) / scale).toFixed(2);
  const colour = weight >= 0 ? `rgba(214,39,40,${alpha})` : `rgba(31,119,180,${alpha})`;
  const shown = token.length > LONGEST_TOKEN ? `${token.slice(0, LONGEST_TOKEN - 1)}…` : token;
  const tip = token.length > LONGEST_TOKEN ? `${token}: ${formatNumber(weight)}` : formatNumber(weight);
  return `<span style="background:${colour}" title="${escapeHtml(tip)}">${escapeHtml(shown)}</span>`;
}

function caption(text: string | undefined): string {
  return text ? `<figcaption>${escapeHtml(text)}</figcaption>` : '';
}

/**
 * A standalone, self-contained HTML page of blocks, for commands' `--format html` output
 * (explain, slices, fairness, importance).
 */
export async function renderBlocksPage(title: string, blocks: readonly ReportBlock[]): Promise<string> {
  const parts: string[] = [];
  for (const block of blocks) parts.push(await renderBlock(block));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>
${parts.join('\n')}
</main></body></html>
`;
}
