import { ApplicationFailure } from '@temporalio/activity';

// How an HTTP answer from a provider becomes an activity failure that Temporal retries, or not.

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date names its month ("Wed, 21 Oct 2015 07:28:00 GMT"); anything else ('1.5', '-1') is unreadable.
  if (!/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * `x-ratelimit-reset` as milliseconds from now: providers send either seconds to wait or the reset time in
 * Unix seconds (a value too large to be a wait).
 */
export function rateLimitResetMs(header: string | null, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  return n > 1e9 ? Math.max(0, n * 1000 - now) : Math.ceil(n * 1000);
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export function failureFromResponse(
  res: Pick<Response, 'status' | 'statusText' | 'headers'>,
  what: string,
): ApplicationFailure {
  const message = `${what}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const details = [{ status: res.status }];
  if (res.status === 429) {
    const delay =
      retryAfterMs(res.headers.get('retry-after')) ?? rateLimitResetMs(res.headers.get('x-ratelimit-reset'));
    return ApplicationFailure.create({ message, type: 'RateLimited', details, nextRetryDelay: delay });
  }
  if (res.status === 423) {
    // Webex: the resource is not ready yet (e.g. still being processed); Retry-After says when to ask again.
    const delay = retryAfterMs(res.headers.get('retry-after'));
    return ApplicationFailure.create({ message, type: 'Locked', details, nextRetryDelay: delay });
  }
  if (RETRYABLE.has(res.status) || res.status >= 500) {
    return ApplicationFailure.create({ message, type: 'ProviderUnavailable', details });
  }
  // 4xx: retrying the same request cannot succeed.
  return ApplicationFailure.create({ message, type: `Http${res.status}`, details, nonRetryable: true });
}
