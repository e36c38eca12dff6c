import { describe, expect, it } from 'vitest';
import { markdownToHtml } from './markdown-inline.js';

describe('markdownToHtml', () => {
  it('keeps a fenced block verbatim (line breaks, indentation, no inline markup) and escaped', () => {
    const html = markdownToHtml('A tree:\n\n```\nx ≤ 1?\n├─ yes: *P* = 0.2 <a>\n└─ no: `P` = 0.9\n```\nAfter.');
    expect(html).toBe('<p>A tree:</p>\n<pre><code>x ≤ 1?\n├─ yes: *P* = 0.2 &lt;a&gt;\n└─ no: `P` = 0.9</code></pre>\n<p>After.</p>');
  });

  it('still renders paragraphs, lists and inline code outside fences', () => {
    expect(markdownToHtml('**a** and `b`\n- one\n- two')).toBe('<p><strong>a</strong> and <code>b</code></p>\n<ul><li>one</li><li>two</li></ul>');
  });
});
