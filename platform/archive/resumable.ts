import type { ArchiveRef } from '../../domain/archive-ref';
import type { Archive, ArchiveSource, PutOptions } from './archive';

// Resumable writes (issue 15, item 2): a large download that dies midway keeps what it stored, so the next
// attempt (another process, maybe another host) continues from there instead of from byte 0. Kept apart
// from the Archive interface: an archive that has them also implements ResumableArchive.

/**
 * One write of a key in progress, stored where it survives its process: the directory's hidden partial
 * file, or an S3 multipart upload and its finished parts. Nothing appears under the key until complete.
 */
export interface PartialWrite {
  /**
   * Names the partial in its store, for the next attempt to find it (findPartial): the partial file's id,
   * or the multipart upload's UploadId. No secret: it goes into heartbeats.
   */
  readonly handle: string;
  /** Bytes durably stored so far: the source continues from this offset. */
  readonly storedBytes: number;
  /**
   * Appends `source` (the bytes from storedBytes on) and publishes the whole object once complete, with the
   * whole object's length and sha256 (the stored prefix is hashed again from the store). `expectedBytes` and
   * `onProgress` count the whole object. If the source fails or ends short, the partial stays (with what
   * got stored) for a later attempt to continue or discard.
   */
  complete(source: ArchiveSource, options?: PutOptions): Promise<ArchiveRef>;
  /** Removes the partial and everything stored for it; idempotent. */
  discard(): Promise<void>;
}

export interface ResumableArchive {
  /** A new partial write of `key`; other partials of the key (left by dead attempts) are removed. */
  startPartial(key: string): Promise<PartialWrite>;
  /**
   * The partial write of `key` that `handle` names, with what it has stored, or undefined when it is gone
   * (completed, discarded, expired by a lifecycle rule) or the handle is not one of this archive's.
   * Other partials of the key are removed.
   */
  findPartial(key: string, handle: string): Promise<PartialWrite | undefined>;
}

export function isResumable(archive: Archive): archive is Archive & ResumableArchive {
  const a = archive as Partial<ResumableArchive>;
  return typeof a.startPartial === 'function' && typeof a.findPartial === 'function';
}
