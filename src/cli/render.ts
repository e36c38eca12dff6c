import type { ReportBlock } from '../results/blocks.js';

/**
 * Report blocks as a command prints them: a self-contained HTML page (Vega-Lite charts as inline
 * SVG; the chart engine is loaded only then) or plain text for the terminal.
 */
export async function renderBlocks(format: 'html' | 'table', title: string, blocks: readonly ReportBlock[]): Promise<string> {
  if (format === 'html') {
    const { renderBlocksPage } = await import('../report/html.js');
    return renderBlocksPage(title, blocks);
  }
  const { renderBlocksText } = await import('../report/text.js');
  return `${renderBlocksText(blocks)}\n`;
}
