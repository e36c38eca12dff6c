import { open } from 'node:fs/promises';

/**
 * A file's bytes in one buffer of exactly its size, read with as few read calls as the OS allows (one for
 * a file in the page cache), off the main thread. fs.promises.readFile reads in 512 KiB chunks, each a
 * round trip through the thread pool: for tens of megabytes that is several times slower.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await file.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    await file.close();
  }
}
