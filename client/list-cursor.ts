// The cursor of GET /meetings: Temporal's nextPageToken followed by a short check of the token and the
// filters it was given for. Temporal answers a token it cannot read with an error that its client retries
// until the deadline (a 503 after seconds), so a mangled cursor, or one from another listing, is refused here.
import { createHash } from 'node:crypto';
import type { MeetingsListQuery } from '../contract/meetings-list';

const CHECK_BYTES = 8;
type Filters = Pick<MeetingsListQuery, 'provider' | 'status'>;

function check(filters: Filters, token: Uint8Array): Buffer {
  return createHash('sha256')
    .update(`${filters.provider ?? ''}|${filters.status ?? ''}|`)
    .update(token)
    .digest()
    .subarray(0, CHECK_BYTES);
}

export function encodeListCursor(filters: Filters, token: Uint8Array): string {
  return Buffer.concat([token, check(filters, token)]).toString('base64url');
}

/** Temporal's token, or undefined when the cursor is not one this listing (same filters) gave. */
export function decodeListCursor(filters: Filters, cursor: string): Uint8Array | undefined {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= CHECK_BYTES) return undefined;
  const token = bytes.subarray(0, bytes.length - CHECK_BYTES);
  return check(filters, token).equals(bytes.subarray(bytes.length - CHECK_BYTES)) ? token : undefined;
}
