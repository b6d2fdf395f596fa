import { createCipheriv, createHash } from 'node:crypto';

// Deterministic pseudo-random file contents (an AES-CTR keystream of the seed): any size, streamed in
// chunks, identical on every request, with a known sha256.

const CHUNK = 64 * 1024;

/** The keystream from byte `start` on: CTR mode seeks to the block, then skips into it. */
function keystream(seed: string, start: number) {
  const key = createHash('sha256').update(seed).digest();
  const counter = Buffer.alloc(16);
  counter.writeBigUInt64BE(BigInt(Math.floor(start / 16)), 8);
  const cipher = createCipheriv('aes-256-ctr', key, counter);
  cipher.update(Buffer.alloc(start % 16));
  return cipher;
}

/** The content's bytes `start` to `bytes` (exclusive), in chunks. */
export function* contentChunks(seed: string, bytes: number, chunkSize = CHUNK, start = 0): Generator<Buffer> {
  const cipher = keystream(seed, start);
  for (let sent = start; sent < bytes; sent += chunkSize) {
    yield cipher.update(Buffer.alloc(Math.min(chunkSize, bytes - sent)));
  }
}

export function contentSha256(seed: string, bytes: number): string {
  const hash = createHash('sha256');
  for (const chunk of contentChunks(seed, bytes, 1 << 20)) hash.update(chunk);
  return hash.digest('hex');
}
