import { describe, expect, it } from 'vitest';
import { renderBlock, SHOWN_WORDS } from './html.js';

const PNG = 'iVBORw0KGgo=';

describe('HTML report blocks', () => {
  it('draws an image grid: one row per example with its title, one enlargeable thumbnail per column, and no script', async () => {
    const html = await renderBlock({
      kind: 'image-grid',
      caption: 'errors',
      columns: ['input', 'saliency'],
      rows: [
        { title: 'row 7 · label 4 → predicted 9 · p=0.990', images: [PNG, PNG] },
        { title: 'row 12 · label 1 → predicted 7 · p=0.950', images: [PNG, PNG] },
      ],
    });
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(2);
    expect(html).toContain('row 7 · label 4 → predicted 9 · p=0.990');
    expect(html.match(/<th scope="col">/g)).toHaveLength(2);
    expect(html.match(/<label class="zoom"[^>]*><input type="checkbox"/g)).toHaveLength(4);
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).not.toContain('<script');
  });

  it(`shows the first ${SHOWN_WORDS} words of a highlighted text and folds the rest behind a toggle`, async () => {
    const tokens = Array.from({ length: 150 }, (_, i) => `w${i}`);
    const html = await renderBlock({ kind: 'highlighted-text', tokens, weights: tokens.map((_, i) => (i % 2 ? 1 : -1)) });
    const [shown, folded] = html.split('<details class="more">');
    expect(shown!.match(/<span /g)).toHaveLength(SHOWN_WORDS);
    expect(folded).toContain('show all 150 words');
    expect(folded!.match(/<span /g)).toHaveLength(150 - SHOWN_WORDS);
  });

  it('does not fold a short text, and cuts a very long token to an ellipsis with the whole token in its tooltip', async () => {
    const long = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789abcdef';
    const html = await renderBlock({ kind: 'highlighted-text', tokens: ['short', long], weights: [0.5, 1] });
    expect(html).not.toContain('<details');
    expect(html).toContain(`>${long.slice(0, 31)}…</span>`);
    expect(html).toContain(`title="${long}: 1"`);
  });
});
