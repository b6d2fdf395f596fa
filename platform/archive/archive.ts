import type { Readable } from 'node:stream';
import type { ArchiveRef } from '../../domain/archive-ref';

// What the activities and the API ask of the archive, whatever stores it: a directory (file-archive.ts) or an
// S3-compatible object store (s3-archive.ts). Keys are `/`-separated names (`meetings/<id>/recording.mp4`);
// the URIs handed out (file://..., s3://<bucket>/<key>) are what gets read back.

/** Bytes to archive: a Node stream or any (async) iterable of chunks. */
export type ArchiveSource = Readable | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /** Called as bytes arrive (for heartbeats). */
  onProgress?: (bytes: number) => void;
  /** When known (Content-Length): a stream that ends short of it is an error, and nothing is published. */
  expectedBytes?: number;
}

/**
 * How a client is given an archived object (GET …/recording): a short-lived presigned URL of the object store,
 * or a local file that the API serves itself (with Range).
 */
export type ServedCopy = { kind: 'url'; url: string; expiresAt: string } | { kind: 'file'; path: string };

export interface Archive {
  /** Where the archive is, for logs and errors: a directory, or `s3://<bucket>/<prefix>`. */
  readonly location: string;
  /**
   * Stores the stream under `key`, measuring its length and sha256 on the way; the object appears only
   * once complete (a failed stream leaves nothing, and an earlier object of the key stays as it was).
   */
  putStream(key: string, source: ArchiveSource, options?: PutOptions): Promise<ArchiveRef>;
  putBytes(key: string, data: Uint8Array | string): Promise<ArchiveRef>;
  putJson(key: string, value: unknown): Promise<ArchiveRef>;
  /** Stores `data` under `<prefix>/<sha256><ext>`: the same bytes stored twice are one object. */
  putContentAddressed(prefix: string, data: Uint8Array, ext: string): Promise<ArchiveRef>;
  /** The bytes behind a URI this archive handed out; refuses any other. */
  read(ref: Pick<ArchiveRef, 'uri'>): Promise<Buffer>;
  /** Readiness: the archive can be written now; throws an error naming the archive and the cause. */
  checkWritable(): Promise<void>;
  // Serving our own copy and erasure (GET …/recording, DELETE …/data):
  /** How a client gets the bytes behind a URI this archive handed out, for about `seconds`. */
  servedCopy(ref: Pick<ArchiveRef, 'uri'>, seconds: number): Promise<ServedCopy>;
  /** Whether an object is stored under `key`. */
  has(key: string): Promise<boolean>;
  /** Deletes every object under `<prefix>/` (partials too); how many objects were deleted. Idempotent. */
  deleteUnder(prefix: string): Promise<number>;
  /** Deletes the object behind a URI this archive handed out (refuses any other). Idempotent. */
  delete(ref: Pick<ArchiveRef, 'uri'>): Promise<void>;
}

export class IncompleteStreamError extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
  ) {
    super(`stream ended after ${received} of ${expected} bytes`);
  }
}

/** A key's segments: letters, digits and `._-`, not starting with a dot (probes and partials do). */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The key's segments; throws on a key that could leave the archive or meet its hidden files. */
export function keySegments(key: string): string[] {
  const segments = key.split('/');
  if (!segments.every((s) => SAFE_SEGMENT.test(s) && s !== '..'))
    throw new Error(`unsafe archive key: ${key}`);
  return segments;
}
