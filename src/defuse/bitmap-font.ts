/**
 * A 3×5 bitmap font (digits, capital letters, a few signs) for labels drawn into report images:
 * pixels rather than a system font, so a grid's bytes do not depend on which fonts are installed.
 */
const GLYPHS: Readonly<Record<string, string>> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001001010010', '8': '111101111101111', '9': '111101111001111',
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  F: '111100110100100', G: '011100101101011', H: '101101111101101', I: '111010010010111', J: '001001001101010',
  K: '101101110101101', L: '100100100100111', M: '101111111101101', N: '110101101101101', O: '010101101101010',
  P: '110101110100100', Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101', Y: '101101010010010',
  Z: '111001010100111', '-': '000000111000000', '_': '000000000000111', '.': '000000000000010', '?': '111001010000010',
  ' ': '000000000000000',
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** The glyph rows of a character (lower case drawn as capitals; unknown characters as '?'). */
export function glyph(ch: string): string {
  return GLYPHS[ch.toUpperCase()] ?? GLYPHS['?']!;
}

/**
 * Draws `text` into an RGB buffer of width `width` at (x, y), each font pixel a `scale`×`scale`
 * square of `color`, on a `background` box with a one-(scaled-)pixel margin. Clipped at the edges.
 */
export function drawLabel(rgb: Buffer, width: number, height: number, x: number, y: number, text: string, scale: number, color: readonly [number, number, number], background: readonly [number, number, number]): void {
  const boxW = (text.length * (GLYPH_WIDTH + 1) + 1) * scale;
  const boxH = (GLYPH_HEIGHT + 2) * scale;
  const put = (px: number, py: number, c: readonly [number, number, number]): void => {
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const o = (py * width + px) * 3;
    rgb[o] = c[0];
    rgb[o + 1] = c[1];
    rgb[o + 2] = c[2];
  };
  for (let dy = 0; dy < boxH; dy++) for (let dx = 0; dx < boxW; dx++) put(x + dx, y + dy, background);
  [...text].forEach((ch, k) => {
    const g = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (g[r * GLYPH_WIDTH + c] !== '1') continue;
        const gx = x + (1 + k * (GLYPH_WIDTH + 1) + c) * scale;
        const gy = y + (1 + r) * scale;
        for (let sy = 0; sy < scale; sy++) for (let sx = 0; sx < scale; sx++) put(gx + sx, gy + sy, color);
      }
    }
  });
}
