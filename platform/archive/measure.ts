import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { IncompleteStreamError, type PutOptions } from './archive';

/** Where a measurement starts: after a prefix already counted and hashed (a resumed write). */
export interface MeasuredPrefix {
  bytes: number;
  hash: Hash;
}

/**
 * A pass-through that counts and hashes the bytes it passes (both archives store what it measured). With
 * `expectedBytes` it fails at the end of a stream of another length, before the store publishes anything.
 * From `prefix`, it counts and hashes on after bytes passed earlier (progress and length are the whole's).
 */
export function measuringStream(options: PutOptions = {}, prefix?: MeasuredPrefix) {
  const hash = prefix?.hash ?? createHash('sha256');
  let bytes = prefix?.bytes ?? 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes);
      done(null, chunk);
    },
    flush(done) {
      const expected = options.expectedBytes;
      done(expected !== undefined && bytes !== expected ? new IncompleteStreamError(bytes, expected) : null);
    },
  });
  return {
    stream,
    get bytes() {
      return bytes;
    },
    /** The sha256 in hex; once, after the stream ended. */
    digest: () => hash.digest('hex'),
  };
}
