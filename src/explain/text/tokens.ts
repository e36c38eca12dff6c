/**
 * lime's `IndexedString` (lime 0.2, lime_text.py): the text split by a separator pattern (default
 * /\W+/) with the separators kept, so removing words and joining back preserves everything else.
 * With `bow` (bag of words, lime's default) a player is a distinct word and removing it removes every
 * occurrence; otherwise a player is one word position.
 */
export interface IndexedText {
  readonly raw: string;
  /** Pieces in order: words and separators. */
  readonly pieces: readonly string[];
  /** For each piece: the player it belongs to, or -1 for separators. */
  readonly playerOfPiece: Int32Array;
  /** The players' texts (distinct words with bow, word occurrences otherwise). */
  readonly players: readonly string[];
}

export function indexText(raw: string, options: { bow?: boolean; split?: RegExp } = {}): IndexedText {
  const bow = options.bow ?? true;
  const split = options.split ?? /\W+/u;
  const re = new RegExp(split.source, split.flags.includes('g') ? split.flags : `${split.flags}g`);
  const pieces: string[] = [];
  const isWord: boolean[] = [];
  const add = (piece: string, word: boolean): void => {
    pieces.push(piece);
    isWord.push(word);
  };
  let last = 0;
  for (const match of raw.matchAll(re)) {
    if (match.index > last) add(raw.slice(last, match.index), true);
    if (match[0].length > 0) add(match[0], false);
    last = match.index + match[0].length;
  }
  if (last < raw.length) add(raw.slice(last), true);
  const players: string[] = [];
  const index = new Map<string, number>();
  const playerOfPiece = new Int32Array(pieces.length).fill(-1);
  pieces.forEach((piece, k) => {
    if (!isWord[k]) return;
    let id = bow ? index.get(piece) : undefined;
    if (id === undefined) {
      id = players.length;
      players.push(piece);
      if (bow) index.set(piece, id);
    }
    playerOfPiece[k] = id;
  });
  return { raw, pieces, playerOfPiece, players };
}

/** The text with the players whose mask byte is 0 replaced by `replacement` (default: removed). */
export function maskText(text: IndexedText, mask: Uint8Array, replacement = ''): string {
  let out = '';
  for (let k = 0; k < text.pieces.length; k++) {
    const p = text.playerOfPiece[k]!;
    out += p >= 0 && mask[p] === 0 ? replacement : text.pieces[k]!;
  }
  return out;
}
