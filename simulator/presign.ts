import { createHmac, timingSafeEqual } from 'node:crypto';

// S3-style presigned URLs (SigV4 query parameters) for the simulator's recordings: they carry
// X-Amz-Date and X-Amz-Expires like the real ones, so expiry parsing and refresh are exercised for real.

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

function signature(secret: string, path: string, date: string, expires: string): string {
  return createHmac('sha256', secret).update(`${path}\n${date}\n${expires}`).digest('hex');
}

export function presign(
  baseUrl: string,
  path: string,
  secret: string,
  nowMs: number,
  expiresSeconds: number,
): string {
  const url = new URL(path, baseUrl);
  const date = amzDate(nowMs);
  const expires = String(expiresSeconds);
  url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  url.searchParams.set('X-Amz-Credential', 'SIMULATOR/s3/aws4_request');
  url.searchParams.set('X-Amz-Date', date);
  url.searchParams.set('X-Amz-Expires', expires);
  url.searchParams.set('X-Amz-SignedHeaders', 'host');
  url.searchParams.set('X-Amz-Signature', signature(secret, url.pathname, date, expires));
  return url.href;
}

export type PresignCheck = 'valid' | 'expired' | 'invalid';

export function checkPresigned(
  path: string,
  query: URLSearchParams,
  secret: string,
  nowMs: number,
): PresignCheck {
  const date = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  const given = Buffer.from(query.get('X-Amz-Signature') ?? '', 'hex');
  const expected = Buffer.from(signature(secret, path, date, expires), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  const m = date.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!m) return 'invalid';
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return nowMs > signedAt + Number(expires) * 1000 ? 'expired' : 'valid';
}
