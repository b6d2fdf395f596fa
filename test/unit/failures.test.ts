import { ApplicationFailure } from '@temporalio/common';
import { archiveFailure } from '../../activities/index';
import { DEFAULT_ASSET_RETRY, pauseAfterRoundMs } from '../../domain/asset-retry';
import {
  ARCHIVE_ERRNO_WORDING,
  classifyFailure,
  FAILURE_TYPES,
  failureWording,
  httpFailureClass,
} from '../../domain/failures';

// Every type the activities throw is in the table, and each entry coherent: failure-table.test.ts.
describe('the failure table', () => {
  test('transient failures are retryable, verdicts are not', () => {
    for (const [type, cls] of Object.entries(FAILURE_TYPES))
      expect([type, cls.retryable]).toEqual([type, cls.verdict === 'transient']);
    for (const type of [
      'RateLimited',
      'Locked',
      'ProviderUnavailable',
      'ShortDownload',
      'ArchiveUnavailable',
    ])
      expect(classifyFailure(type).retryable).toBe(true);
    expect(classifyFailure('NoRecording')).toMatchObject({ retryable: false, verdict: 'gone' });
    expect(classifyFailure('WebexUnauthorized')).toMatchObject({ retryable: false, verdict: 'refused' });
    expect(classifyFailure('ProviderNotConfigured')).toMatchObject({ verdict: 'config', httpStatus: 503 });
  });

  test('Http<status>: 404 and 410 are gone, other 4xx refused, 5xx and 429 transient', () => {
    expect(classifyFailure('Http404')).toMatchObject({ retryable: false, verdict: 'gone', httpStatus: 422 });
    expect(classifyFailure('Http410').verdict).toBe('gone');
    expect(classifyFailure('Http403')).toMatchObject({ retryable: false, verdict: 'refused' });
    expect(classifyFailure('Http409')).toMatchObject({
      retryable: false,
      verdict: 'refused',
      httpStatus: 422,
    });
    expect(httpFailureClass(503).retryable).toBe(true);
    expect(httpFailureClass(429).retryable).toBe(true);
  });

  test("a type outside the table follows the activity's own flag", () => {
    expect(classifyFailure(undefined)).toMatchObject({ retryable: true, verdict: 'transient' });
    expect(classifyFailure('Whatever')).toMatchObject({ retryable: true });
    expect(classifyFailure('Whatever', true)).toMatchObject({ retryable: false });
  });

  test('the UI wording names the archive errno', () => {
    expect(failureWording('ArchiveUnavailable', false, 'ENOSPC')).toBe('archive full (ENOSPC)');
    expect(failureWording('ArchiveUnavailable', false, 'EROFS')).toBe('archive read-only (EROFS)');
    expect(failureWording('ArchiveUnavailable')).toBe('archive not writable');
    expect(failureWording('Http404')).toBe('not found (404)');
  });
});

describe('archive write errors in activities', () => {
  test.each(Object.keys(ARCHIVE_ERRNO_WORDING))('%s becomes a retryable ArchiveUnavailable', (code) => {
    const err = archiveFailure(Object.assign(new Error(`${code}: write failed`), { code }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('ArchiveUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.details).toEqual([{ errno: code }]);
    expect(failure.message).toContain(`(${code})`);
  });

  test('other errors pass unchanged', () => {
    const plain = new Error('boom');
    expect(archiveFailure(plain)).toBe(plain);
    const app = ApplicationFailure.nonRetryable('x', 'Http404');
    expect(archiveFailure(app)).toBe(app);
  });
});

describe('rounds of an asset retried until its deadline', () => {
  test('the pause doubles from the first, up to the longest, never past the deadline', () => {
    const s = { attemptsPerRound: 3, firstPauseSeconds: 10, maxPauseSeconds: 600 };
    expect([1, 2, 3, 7, 8, 40].map((n) => pauseAfterRoundMs(s, n, 86_400_000))).toEqual([
      10_000, 20_000, 40_000, 600_000, 600_000, 600_000,
    ]);
    expect(pauseAfterRoundMs(s, 1, 3_000)).toBe(3_000);
    expect(pauseAfterRoundMs(s, 1, -5)).toBe(0);
    expect(DEFAULT_ASSET_RETRY).toEqual(s);
  });
});
