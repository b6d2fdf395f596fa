import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { IncompleteStreamError, type PutOptions } from './archive';
import { threadHash, type StreamHash } from './hash-thread';

/** From this length on (or when the length is unknown) a write is hashed on the hashing thread. */
const THREAD_HASH_FROM_BYTES = 2 ** 20;

/** A sha256 for a write of about `bytes` (undefined: unknown): on the hashing thread when large. */
export function hashFor(bytes: number | undefined): StreamHash {
  if (bytes === undefined || bytes >= THREAD_HASH_FROM_BYTES) return threadHash();
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => Promise.resolve(hash.digest('hex')),
    abandon: () => undefined,
  };
}

/** No hash at all: for a write whose sha256 comes from elsewhere (a resumed upload hashes the stored object). */
export const NOT_HASHED: StreamHash = {
  update: () => undefined,
  digest: () => Promise.reject(new Error('this write is not hashed')),
  abandon: () => undefined,
};

/** Where a measurement starts: after a prefix already counted and hashed (a resumed write). */
export interface MeasuredPrefix {
  bytes: number;
  hash: StreamHash;
}

/**
 * A pass-through that counts and hashes the bytes it passes (both archives store what it measured). With
 * `expectedBytes` it fails at the end of a stream of another length, before the store publishes anything.
 * From `prefix`, it counts and hashes on after bytes passed earlier (progress and length are the whole's).
 * Each chunk passes on at once; it waits only when the hashing thread falls behind.
 */
export function measuringStream(options: PutOptions = {}, prefix?: MeasuredPrefix) {
  const hash = prefix?.hash ?? hashFor(options.expectedBytes);
  let bytes = prefix?.bytes ?? 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let hashed: void | Promise<void>;
      try {
        hashed = hash.update(chunk);
      } catch (err) {
        return done(err as Error);
      }
      bytes += chunk.length;
      options.onProgress?.(bytes);
      this.push(chunk);
      if (hashed) hashed.then(() => done(), done);
      else done();
    },
    flush(done) {
      const expected = options.expectedBytes;
      done(expected !== undefined && bytes !== expected ? new IncompleteStreamError(bytes, expected) : null);
    },
  });
  // A write that fails frees its hash (the hashing thread holds its state until digested or dropped).
  stream.once('error', () => hash.abandon());
  stream.once('close', () => {
    if (!stream.writableFinished) hash.abandon();
  });
  return {
    stream,
    get bytes() {
      return bytes;
    },
    /** The sha256 in hex; once, after the stream ended. */
    digest: () => hash.digest(),
    /** For a write that failed after its stream ended (a rename, an upload): frees the hash undigested. */
    abandon: () => hash.abandon(),
  };
}
