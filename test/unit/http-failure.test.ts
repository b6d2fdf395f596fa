import { ApplicationFailure } from '@temporalio/common';
import { failureFromResponse, rateLimitResetMs, retryAfterMs } from '../../activities/http-failure';

const NOW = Date.parse('2015-10-21T07:28:00Z');

/** The delay Temporal will wait, in ms, whatever representation the failure uses. */
function delayMs(failure: ApplicationFailure): number | undefined {
  const d: unknown = failure.nextRetryDelay;
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'number') return d;
  throw new Error(`unexpected nextRetryDelay representation: ${JSON.stringify(d)}`);
}

describe('retryAfterMs', () => {
  test.each<[string, string, number]>([
    ['delta-seconds', '120', 120_000],
    ['zero seconds', '0', 0],
    ['one second', '1', 1000],
    ['delta-seconds with surrounding spaces', ' 30 ', 30_000],
    ['an HTTP date one minute ahead', 'Wed, 21 Oct 2015 07:29:00 GMT', 60_000],
    ['an HTTP date 90 seconds ahead', 'Wed, 21 Oct 2015 07:29:30 GMT', 90_000],
    ['an HTTP date exactly now', 'Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['an HTTP date in the past (never negative)', 'Wed, 21 Oct 2015 07:00:00 GMT', 0],
  ])('%s (%j)', (_name, header, expected) => {
    expect(retryAfterMs(header, NOW)).toBe(expected);
  });

  test('an HTTP date is relative to the given now', () => {
    const header = 'Wed, 21 Oct 2015 07:30:00 GMT';
    expect(retryAfterMs(header, NOW)).toBe(120_000);
    expect(retryAfterMs(header, NOW + 30_000)).toBe(90_000);
  });

  test('without a now, an HTTP date is relative to the current time', () => {
    const header = new Date(Date.now() + 60_000).toUTCString(); // whole seconds: up to 1 s lost
    const ms = retryAfterMs(header)!;
    expect(ms).toBeGreaterThan(58_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });

  test.each<[string, string | null]>([
    ['null (no header)', null],
    ['empty', ''],
    ['blank', '   '],
    ['a word', 'soon'],
    ['letters', 'abc'],
    ['a phrase with a number', '12 monkeys'],
    ['an exponent', '1e3'],
    ['Infinity', 'Infinity'],
    // Not delta-seconds (digits only) and not an HTTP date: unreadable. V8's lenient Date.parse reads these
    // as dates in 2001 / year -1, which must not become "retry now".
    ['a fraction', '1.5'],
    ['a negative number', '-1'],
  ])('undefined for %s', (_name, header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
  });
});

describe('rateLimitResetMs', () => {
  test.each<[string | null, number | undefined]>([
    ['3', 3000],
    ['0.5', 500],
    [String(NOW / 1000 + 42), 42_000],
    [String(NOW / 1000 - 10), 0],
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-3', undefined],
  ])('%p -> %p', (header, expected) => {
    expect(rateLimitResetMs(header, NOW)).toBe(expected);
  });
});

describe('failureFromResponse', () => {
  const response = (status: number, headers: Record<string, string> = {}) =>
    new Response(null, { status, headers });

  test('429 with Retry-After seconds: retryable RateLimited, next retry after that delay', () => {
    const failure = failureFromResponse(response(429, { 'Retry-After': '7' }), 'bot status');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('RateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(delayMs(failure)).toBe(7000);
    expect(failure.message).toContain('bot status');
    expect(failure.message).toContain('429');
  });

  test('429 with an HTTP-date Retry-After: the delay until that date', () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    const failure = failureFromResponse(response(429, { 'Retry-After': at }), 'x');
    expect(failure.type).toBe('RateLimited');
    const ms = delayMs(failure)!;
    expect(ms).toBeGreaterThan(118_000);
    expect(ms).toBeLessThanOrEqual(120_000);
  });

  test('429 without Retry-After but with x-ratelimit-reset: that delay', () => {
    const failure = failureFromResponse(response(429, { 'x-ratelimit-reset': '2' }), 'x');
    expect(delayMs(failure)).toBe(2000);
  });

  test.each<[string, Record<string, string>]>([
    ['no Retry-After', {}],
    ['a garbage Retry-After', { 'Retry-After': 'later please' }],
  ])('429 with %s: retryable RateLimited, default retry policy', (_name, headers) => {
    const failure = failureFromResponse(response(429, headers), 'x');
    expect(failure.type).toBe('RateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(delayMs(failure)).toBeUndefined();
  });

  test('423 (Webex: not ready yet) with Retry-After: retryable Locked, next retry after that delay', () => {
    const failure = failureFromResponse(response(423, { 'Retry-After': '30' }), 'Webex GET /recordings');
    expect(failure.type).toBe('Locked');
    expect(failure.nonRetryable).toBe(false);
    expect(delayMs(failure)).toBe(30_000);
    expect(failure.message).toContain('423');
    expect(failure.details).toEqual([{ status: 423 }]);
  });

  test('423 without Retry-After: retryable Locked, default retry policy', () => {
    const failure = failureFromResponse(response(423), 'x');
    expect(failure.type).toBe('Locked');
    expect(failure.nonRetryable).toBe(false);
    expect(delayMs(failure)).toBeUndefined();
  });

  test('x-ratelimit-reset is for 429 only: a 423 ignores it', () => {
    expect(delayMs(failureFromResponse(response(423, { 'x-ratelimit-reset': '5' }), 'x'))).toBeUndefined();
  });

  test.each([408, 425, 500, 501, 502, 503, 504, 599])('%i is retryable', (status) => {
    const failure = failureFromResponse(response(status), 'download');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(String(status));
    expect(delayMs(failure)).toBeUndefined();
  });

  test.each([400, 401, 403, 404, 405, 409, 410, 413, 422])('%i is not retryable', (status) => {
    const failure = failureFromResponse(response(status), 'download');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(String(status));
    expect(failure.message).toContain('download');
  });

  test('the status travels in the failure details', () => {
    const failure = failureFromResponse(response(503), 'x');
    expect(failure.details).toEqual([{ status: 503 }]);
  });

  test('the status text, when there is one, is part of the message', () => {
    const failure = failureFromResponse(
      new Response(null, { status: 404, statusText: 'Not Found' }),
      'recording',
    );
    expect(failure.message).toContain('Not Found');
  });
});
