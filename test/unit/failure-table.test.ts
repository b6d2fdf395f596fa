// The failure table (domain/failures.ts) is the one place that says what a failure type means; the
// activities fail only through activities/failure.ts, which reads it. These tests keep the two together.
import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import path from 'node:path';
import { activityFailure, isFailureOfType } from '../../activities/failure';
import {
  classifyFailure,
  FAILURE_TYPES,
  failureClassOf,
  httpFailureClass,
  httpStatusOf,
  type FailureType,
  type FailureVerdict,
} from '../../domain/failures';

/** Names the classification gives to failures without a type: no code throws them. */
const CLASSIFICATION_ONLY: readonly FailureType[] = ['Timeout', 'Error'];
const THROWN_TYPES = (Object.keys(FAILURE_TYPES) as FailureType[]).filter(
  (t): t is Exclude<FailureType, 'Timeout' | 'Error'> => !CLASSIFICATION_ONLY.includes(t),
);

/** What POST /bots may answer for each verdict (api/meetingbaas/bots.ts, its OpenAPI errors). */
const API_STATUSES: Record<FailureVerdict, number[]> = {
  transient: [502, 503],
  gone: [422],
  refused: [422],
  invalid: [422],
  config: [503],
};

function activitySources(): { file: string; text: string }[] {
  const dir = path.join(__dirname, '../../activities');
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

describe('every type the activities can throw is in the table', () => {
  test('they fail only through activityFailure, never with a retry decision of their own', () => {
    const own = activitySources()
      .filter(({ file }) => file !== 'failure.ts')
      .filter(({ text }) =>
        /ApplicationFailure\.(create|retryable|nonRetryable|fromError)\(|new ApplicationFailure\(/.test(text),
      )
      .map(({ file }) => file);
    expect(own).toEqual([]);
  });

  test('each type they name is a table entry or Http<status>', () => {
    const named = new Set<string>();
    for (const { text } of activitySources()) {
      for (const m of text.matchAll(/(?:activityFailure\(\s*|isFailureOfType\(\s*\w+,\s*)'([^']+)'/g))
        named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(20);
    for (const type of named) {
      const known = Object.hasOwn(FAILURE_TYPES, type) || httpStatusOf(type) !== undefined;
      expect([type, known, CLASSIFICATION_ONLY.includes(type as FailureType)]).toEqual([type, true, false]);
    }
  });

  test('a type outside the table, or one only the classification uses, does not compile', () => {
    // Compiled by `tsc --noEmit -p .`: each line below is an error, which @ts-expect-error requires.
    // @ts-expect-error a misspelt type
    activityFailure('UrlExpird', 'x');
    // @ts-expect-error Timeout is Temporal's, not an activity's
    activityFailure('Timeout', 'x');
    // @ts-expect-error Error is the name of a failure without a type
    activityFailure('Error', 'x');
    // @ts-expect-error not an HTTP status
    isFailureOfType(new Error('x'), 'HttpConflict');
    expect(THROWN_TYPES).not.toContain('Timeout');
  });
});

describe('each entry is coherent', () => {
  test.each(Object.entries(FAILURE_TYPES))('%s', (_type, cls) => {
    // Transient ⇔ retryable: a verdict on the asset or request is never retried, a passing failure is.
    expect(cls.retryable).toBe(cls.verdict === 'transient');
    expect(API_STATUSES[cls.verdict]).toContain(cls.httpStatus);
    expect(cls.uiWording.trim()).not.toBe('');
  });

  test('the UI words of two types differ, so that a reader can tell them apart', () => {
    const wordings = Object.values(FAILURE_TYPES).map((c) => c.uiWording);
    expect(new Set(wordings).size).toBe(wordings.length);
  });

  test.each([400, 401, 403, 404, 405, 408, 409, 410, 413, 422, 423, 425, 429, 500, 502, 503, 504, 599])(
    'Http%i',
    (status) => {
      const cls = httpFailureClass(status);
      expect(cls.retryable).toBe(cls.verdict === 'transient');
      expect(API_STATUSES[cls.verdict]).toContain(cls.httpStatus);
      expect(cls.uiWording).toContain(String(status));
    },
  );

  test("Meeting BaaS's unreadable answer is retried (a passing glitch), Webex's is final", () => {
    expect(classifyFailure('ProviderInvalidAnswer')).toMatchObject({ retryable: true, httpStatus: 502 });
    expect(classifyFailure('InvalidProviderAnswer')).toMatchObject({ retryable: false, httpStatus: 422 });
  });
});

describe('activityFailure', () => {
  test.each(THROWN_TYPES)('%s: retryable as the table says', (type) => {
    const failure = activityFailure(type, 'why');
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(type);
    expect(failure.message).toBe('why');
    expect(failure.nonRetryable).toBe(!FAILURE_TYPES[type].retryable);
  });

  test('Http<status>: retryable as its status class says', () => {
    expect(activityFailure('Http409', 'x').nonRetryable).toBe(true);
    expect(activityFailure('Http404', 'x').nonRetryable).toBe(true);
    expect(activityFailure('Http503', 'x').nonRetryable).toBe(false);
    expect(failureClassOf('Http410')).toEqual(httpFailureClass(410));
  });

  test('details, the next retry delay and the cause are kept', () => {
    const cause = new Error('ENOSPC');
    const failure = activityFailure('RateLimited', 'slow down', {
      details: [{ status: 429 }],
      nextRetryDelay: 5_000,
      cause,
    });
    expect(failure.details).toEqual([{ status: 429 }]);
    expect(failure.nextRetryDelay).toBe(5_000);
    expect(failure.cause).toBe(cause);
  });
});

describe('isFailureOfType', () => {
  test('an ApplicationFailure of that type only', () => {
    expect(isFailureOfType(activityFailure('UrlExpired', 'x'), 'UrlExpired')).toBe(true);
    expect(isFailureOfType(activityFailure('UrlExpired', 'x'), 'ShortDownload')).toBe(false);
    expect(isFailureOfType(activityFailure('Http409', 'x'), 'Http409')).toBe(true);
    expect(isFailureOfType(activityFailure('Http404', 'x'), 'Http409')).toBe(false);
    expect(isFailureOfType(Object.assign(new Error('x'), { type: 'UrlExpired' }), 'UrlExpired')).toBe(false);
    expect(isFailureOfType(undefined, 'UrlExpired')).toBe(false);
  });
});

describe('httpStatusOf', () => {
  test('the status of an Http<status> type, nothing for any other', () => {
    expect(httpStatusOf('Http409')).toBe(409);
    expect(httpStatusOf('Http4091')).toBeUndefined();
    expect(httpStatusOf('HttpConflict')).toBeUndefined();
    expect(httpStatusOf('RateLimited')).toBeUndefined();
    expect(httpStatusOf(undefined)).toBeUndefined();
  });
});
