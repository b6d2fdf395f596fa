/**
 * When an S3 presigned URL (SigV4 query auth: X-Amz-Date + X-Amz-Expires) stops working, or undefined
 * when the URL carries no such parameters.
 */
export function presignedUrlExpiry(url: string): string | undefined {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const date = params.get('X-Amz-Date');
  const expires = params.get('X-Amz-Expires');
  const m = date?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!m || !expires || !/^\d+$/.test(expires)) return undefined;
  const signedAt = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  // Date.UTC rolls impossible values over (month 13, February 30): such a URL has no readable expiry.
  if (signedAt.toISOString().slice(0, 19).replace(/[-:]/g, '') !== date!.slice(0, 15)) return undefined;
  return new Date(signedAt.getTime() + Number(expires) * 1000).toISOString();
}
