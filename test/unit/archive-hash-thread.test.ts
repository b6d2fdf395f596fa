import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { threadHash } from '../../platform/archive/hash-thread';
import { hashFor } from '../../platform/archive/measure';

// The sha256 of large archive writes, hashed on a thread of its own (platform/archive/hash-thread.ts).

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
};

/** Feeds `data` in chunks of the given sizes (cycled), waiting whenever the hash asks to. */
async function feed(hash: ReturnType<typeof threadHash>, data: Buffer, sizes: number[]): Promise<void> {
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    await hash.update(data.subarray(offset, offset + n));
    offset += n;
  }
}

test.each([
  ['nothing', 0, [1]],
  ['one byte', 1, [1]],
  ['exactly one batch', 2 ** 20, [2 ** 20]],
  ['odd chunks across batch boundaries', 3 * 2 ** 20 + 17, [65_536, 1, 999_999, 4 * 2 ** 20]],
  ['more batches than may be in flight (backpressure)', 12 * 2 ** 20 + 5, [65_536]],
])('the same sha256 as node:crypto: %s', async (_what, length, sizes) => {
  const data = randomBytes(length);
  const hash = threadHash();
  await feed(hash, data, sizes);
  expect(await hash.digest()).toBe(sha256(data));
});

test('writes hashed at once do not mix their bytes', async () => {
  const inputs = [randomBytes(5 * 2 ** 20 + 3), randomBytes(2 ** 20 - 1), randomBytes(7 * 2 ** 20)];
  const digests = await Promise.all(
    inputs.map(async (data, i) => {
      const hash = threadHash();
      await feed(hash, data, [4096 * (i + 1) + i]);
      return hash.digest();
    }),
  );
  expect(digests).toEqual(inputs.map((d) => sha256(d)));
});

test('a buffer handed to update is the caller’s again at once (the thread hashes a copy)', async () => {
  const chunk = Buffer.alloc(2 ** 20, 1);
  const hash = threadHash();
  await hash.update(chunk);
  chunk.fill(2); // reused by its owner, as a stream's buffers are
  expect(await hash.digest()).toBe(sha256(Buffer.alloc(2 ** 20, 1)));
});

test('an abandoned hash refuses nothing else: later hashes still work', async () => {
  const abandoned = threadHash();
  await feed(abandoned, randomBytes(3 * 2 ** 20), [65_536]);
  abandoned.abandon();
  abandoned.abandon(); // idempotent
  const data = randomBytes(2 ** 20 + 1);
  const hash = threadHash();
  await feed(hash, data, [65_536]);
  expect(await hash.digest()).toBe(sha256(data));
});

test('small or large: hashFor picks the thread only for large (or unknown) lengths, same digests', async () => {
  for (const length of [0, 10, 2 ** 20 - 1, 2 ** 20, 3 * 2 ** 20]) {
    const data = randomBytes(length);
    for (const hint of [length, undefined]) {
      const hash = hashFor(hint);
      await hash.update(data);
      expect(await hash.digest()).toBe(sha256(data));
    }
  }
});

test('the thread keeps no process alive: a write never digested still lets node exit', async () => {
  // In a process of its own: jest keeps its workers alive, so only a real exit shows it.
  const script = `
    const { threadHash } = require(${JSON.stringify(path.resolve(__dirname, '../../platform/archive/hash-thread.ts'))});
    const hash = threadHash();
    Promise.resolve(hash.update(Buffer.alloc(3 * 2 ** 20))).then(() => console.log('fed'));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: path.resolve(__dirname, '../..'),
    timeout: 20_000,
  });
  expect(stdout.trim()).toBe('fed');
});
