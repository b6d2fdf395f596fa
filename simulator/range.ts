// HTTP range requests for the simulator's recordings (RFC 9110 §14): one `bytes=` range, If-Range against
// the object's ETag or Last-Modified. What a storage service (S3, a CDN) does, so resumed downloads meet it.

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * The range a `Range` header asks of an object of `size` bytes: a range, `unsatisfiable` (416), or
 * undefined to send the whole object (no header, several ranges, a unit other than bytes, a bad header).
 */
export function requestedRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // A suffix: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}

/** Whether an `If-Range` validator still names the object (absent: yes). A weak ETag never does. */
export function ifRangeHolds(header: string | undefined, etag: string, lastModified: string): boolean {
  if (header === undefined) return true;
  if (header.startsWith('"')) return header === etag;
  return header === lastModified;
}
