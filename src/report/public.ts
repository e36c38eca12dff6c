export { renderHtmlReport, renderBlock, renderBlocksPage } from './html.js';
export { renderBlocksText } from './text.js';
export { renderFindingsMarkdown } from './findings-markdown.js';
export { renderJunit } from './junit.js';
export { vegaLiteToSvg } from './chart-svg.js';
