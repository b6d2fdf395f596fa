import { createCipheriv, createHash } from 'node:crypto';

// Deterministic pseudo-random file contents (an AES-CTR keystream of the seed): any size, streamed in
// chunks, identical on every request, with a known sha256.

const CHUNK = 64 * 1024;

function keystream(seed: string) {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}

export function* contentChunks(seed: string, bytes: number, chunkSize = CHUNK): Generator<Buffer> {
  const cipher = keystream(seed);
  for (let sent = 0; sent < bytes; sent += chunkSize) {
    yield cipher.update(Buffer.alloc(Math.min(chunkSize, bytes - sent)));
  }
}

export function contentSha256(seed: string, bytes: number): string {
  const hash = createHash('sha256');
  for (const chunk of contentChunks(seed, bytes, 1 << 20)) hash.update(chunk);
  return hash.digest('hex');
}
