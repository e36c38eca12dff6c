import { GlassboxError } from '../errors.js';

export const TEXT_ENCODER_FORMAT = 'glassbox-text-encoder/1';

/** JSON form of a fitted bag-of-words encoder. */
export interface TextEncoderSpec {
  readonly format: typeof TEXT_ENCODER_FORMAT;
  /** Token → input column, in column order. */
  readonly vocabulary: readonly string[];
  /** `log1p-l2`: log(1 + count) per token, then the row is scaled to unit L2 norm. */
  readonly weighting: 'log1p-l2';
}

export interface TokenSpan {
  readonly token: string;
  /** Character offsets [start, end) in the original text. */
  readonly start: number;
  readonly end: number;
}

const TOKEN = /[\p{L}\p{N}$€£!]+/gu;
const MAX_TOKEN = 30;

/** Lower-cased word tokens with their character offsets; runs of digits become "#num". */
export function tokenSpans(text: string): TokenSpan[] {
  const spans: TokenSpan[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    if (raw.length > MAX_TOKEN) continue;
    const token = /^\d+$/.test(raw) ? '#num' : raw.toLowerCase();
    spans.push({ token, start: match.index, end: match.index + raw.length });
  }
  return spans;
}

export function tokenize(text: string): string[] {
  return tokenSpans(text).map((s) => s.token);
}

/**
 * Bag-of-words text encoder: tokenization (tokenSpans) + a fixed vocabulary → one column per
 * vocabulary token, weighted log(1 + count) and L2-normalised per row (as scikit-learn's
 * TfidfVectorizer with sublinear_tf and no idf). Tokens outside the vocabulary are ignored. The same
 * tokens drive LIME-text or occlusion: remove tokens, then `encodeTokens`.
 */
export class BagOfWordsEncoder {
  readonly outputWidth: number;
  private readonly index: Map<string, number>;

  constructor(readonly vocabulary: readonly string[]) {
    this.index = new Map(vocabulary.map((t, k) => [t, k]));
    if (this.index.size !== vocabulary.length) {
      throw new GlassboxError('invalid_input', 'BagOfWordsEncoder: the vocabulary has duplicate tokens', { argument: 'vocabulary', hint: 'Each token may appear once.' });
    }
    this.outputWidth = vocabulary.length;
  }

  tokenize(text: string): string[] {
    return tokenize(text);
  }

  spans(text: string): TokenSpan[] {
    return tokenSpans(text);
  }

  /** Column of a token, or -1 when it is not in the vocabulary. */
  column(token: string): number {
    return this.index.get(token) ?? -1;
  }

  encode(texts: readonly string[], out?: Float32Array): Float32Array {
    const tokens = texts.map(tokenize);
    return out ? this.encodeTokens(tokens, out) : this.encodeTokens(tokens);
  }

  encodeTokens(tokenLists: readonly (readonly string[])[], out: Float32Array = new Float32Array(tokenLists.length * this.outputWidth)): Float32Array {
    const width = this.outputWidth;
    if (out.length !== tokenLists.length * width) {
      throw new GlassboxError('shape_mismatch', `BagOfWordsEncoder: output buffer holds ${out.length} values, ${tokenLists.length * width} needed`, { argument: 'out', hint: 'Pass rows × vocabulary size values, or no buffer.' });
    }
    const counts = new Map<number, number>();
    tokenLists.forEach((tokens, r) => {
      counts.clear();
      for (const token of tokens) {
        const k = this.index.get(token);
        if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      let norm = 0;
      for (const c of counts.values()) norm += Math.log1p(c) ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      const row = out.subarray(r * width, (r + 1) * width);
      row.fill(0);
      for (const [k, c] of counts) row[k] = Math.log1p(c) * scale;
    });
    return out;
  }

  toJSON(): TextEncoderSpec {
    return { format: TEXT_ENCODER_FORMAT, vocabulary: this.vocabulary, weighting: 'log1p-l2' };
  }

  static fromJSON(json: unknown, source = 'text encoder'): BagOfWordsEncoder {
    const spec = json as Partial<TextEncoderSpec> | null;
    if (spec?.format !== TEXT_ENCODER_FORMAT || !Array.isArray(spec.vocabulary) || spec.weighting !== 'log1p-l2') {
      throw new GlassboxError('invalid_input', `${source}: not a ${TEXT_ENCODER_FORMAT} spec`, { file: source, hint: 'Expected {"format": "glassbox-text-encoder/1", "vocabulary": [...], "weighting": "log1p-l2"}.' });
    }
    return new BagOfWordsEncoder(spec.vocabulary);
  }

  /**
   * Fits the vocabulary: tokens in at least `minDocumentFrequency` documents, the `maxVocabulary`
   * most frequent by document frequency (ties broken by code-point order, so the result is
   * deterministic).
   */
  static fit(texts: readonly string[], options: { maxVocabulary?: number; minDocumentFrequency?: number } = {}): BagOfWordsEncoder {
    const df = new Map<string, number>();
    for (const text of texts) for (const token of new Set(tokenize(text))) df.set(token, (df.get(token) ?? 0) + 1);
    const min = options.minDocumentFrequency ?? 5;
    const ranked = [...df].filter(([, n]) => n >= min).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new BagOfWordsEncoder(ranked.slice(0, options.maxVocabulary ?? 2000).map(([t]) => t));
  }
}
