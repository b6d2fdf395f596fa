import type { ApplicationFailure } from '@temporalio/common';
import { httpFailureClass } from '../domain/failures';
import { activityFailure } from './failure';

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

export function failureFromResponse(
  res: Pick<Response, 'status' | 'statusText' | 'headers'>,
  what: string,
): ApplicationFailure {
  const message = `${what}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const details = [{ status: res.status }];
  if (res.status === 429) {
    const delay =
      retryAfterMs(res.headers.get('retry-after')) ?? rateLimitResetMs(res.headers.get('x-ratelimit-reset'));
    return activityFailure('RateLimited', message, { details, nextRetryDelay: delay });
  }
  if (res.status === 423) {
    // Webex: the resource is not ready yet (e.g. still being processed); Retry-After says when to ask again.
    const delay = retryAfterMs(res.headers.get('retry-after'));
    return activityFailure('Locked', message, { details, nextRetryDelay: delay });
  }
  // Which statuses a retry can change (408, 425, 5xx) is the failure table's call: those are one type.
  if (httpFailureClass(res.status).retryable) {
    return activityFailure('ProviderUnavailable', message, { details });
  }
  // Other 4xx: retrying the same request cannot succeed.
  return activityFailure(`Http${res.status}`, message, { details });
}
