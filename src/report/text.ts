import type { ReportBlock } from '../results/blocks.js';
import { formatNumber } from './format.js';

/** Plain-text rendering of text and table blocks, for commands' `--format table` output. */
export function renderBlocksText(blocks: readonly ReportBlock[]): string {
  return blocks
    .map((block) => {
      if (block.kind === 'text') return block.markdown;
      if (block.kind !== 'table') return '';
      const rows = [block.columns, ...block.rows.map((row) => row.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''))))];
      const widths = block.columns.map((_, j) => Math.max(...rows.map((row) => String(row[j] ?? '').length)));
      return [block.caption ?? '', ...rows.map((row) => row.map((v, j) => String(v ?? '').padEnd(widths[j]!)).join('  '))].join('\n');
    })
    .filter(Boolean)
    .join('\n\n');
}
