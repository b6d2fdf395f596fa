// The pure rules of notifications (domain/notify/notification.ts) and their configuration.
import {
  DEFAULT_NOTIFY_RETRY,
  deliveryWorkflowId,
  notificationTypeOf,
  pauseAfterAttemptMs,
  verdictOfStatus,
  webhookIdOf,
} from '../../domain/notify/notification';
import { MEETING_STATUSES } from '../../domain/lifecycle';
import { notifySettings, parseConfig } from '../../platform/config';

const SECRET = 'whsec_dGVzdC1ub3RpZnktc2lnbmluZy1rZXktMDEyMzQ1Njc4OQ==';

test('only completed and failed meetings are announced', () => {
  const announced = MEETING_STATUSES.filter((s) => notificationTypeOf(s));
  expect(announced).toEqual(['completed', 'failed']);
  expect(notificationTypeOf('completed')).toBe('meeting.completed');
  expect(notificationTypeOf('failed')).toBe('meeting.failed');
});

test('answers: 2xx delivered, 410 stops, anything else is retried', () => {
  expect([200, 201, 204, 299].map(verdictOfStatus)).toEqual(Array(4).fill('delivered'));
  expect(verdictOfStatus(410)).toBe('gone');
  expect([301, 400, 401, 404, 429, 500, 503].map(verdictOfStatus)).toEqual(Array(7).fill('retry'));
});

test('pauses double from 5 s to an hour; none once the next attempt would start past the window', () => {
  const pauses = [1, 2, 3, 10, 11, 12, 50].map((n) => pauseAfterAttemptMs(DEFAULT_NOTIFY_RETRY, n, Infinity));
  expect(pauses).toEqual([5_000, 10_000, 20_000, 2_560_000, 3_600_000, 3_600_000, 3_600_000]);
  expect(pauseAfterAttemptMs(DEFAULT_NOTIFY_RETRY, 1, 5_001)).toBe(5_000);
  expect(pauseAfterAttemptMs(DEFAULT_NOTIFY_RETRY, 1, 5_000)).toBeUndefined();
  expect(pauseAfterAttemptMs(DEFAULT_NOTIFY_RETRY, 3, 0)).toBeUndefined();
});

test('ids: one delivery workflow per position, one webhook-id per delivery', () => {
  expect(deliveryWorkflowId('meetingbaas:b1', 2)).toBe('meetingbaas:b1/notify/2');
  expect(webhookIdOf('meetingbaas:b1', 0, 'meeting.completed')).toBe(
    'msg_meetingbaas:b1_0_meeting.completed',
  );
  expect(webhookIdOf('meetingbaas:b1', 1, 'meeting.completed')).not.toBe(
    webhookIdOf('meetingbaas:b1', 0, 'meeting.completed'),
  );
});

describe('NOTIFY_* configuration', () => {
  test('defaults: no URLs, 72 hours, 10 s per attempt', () => {
    expect(notifySettings(parseConfig({}))).toEqual({ urls: [], retry: DEFAULT_NOTIFY_RETRY });
  });

  test('URLs, secret and a window in hours (fractions allowed)', () => {
    const config = parseConfig({
      NOTIFY_WEBHOOK_URLS: 'https://a.example.com/hook, http://b.internal:8080/x',
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_RETRY_HOURS: '0.5',
      NOTIFY_TIMEOUT_SECONDS: '3',
    });
    expect(notifySettings(config)).toEqual({
      urls: ['https://a.example.com/hook', 'http://b.internal:8080/x'],
      secret: SECRET,
      retry: { ...DEFAULT_NOTIFY_RETRY, windowSeconds: 1800, attemptTimeoutSeconds: 3 },
    });
  });

  test.each([
    [{ NOTIFY_WEBHOOK_URLS: 'https://a.example.com/hook' }, /NOTIFY_WEBHOOK_SECRET/],
    [{ NOTIFY_WEBHOOK_URLS: 'ftp://a.example.com', NOTIFY_WEBHOOK_SECRET: SECRET }, /NOTIFY_WEBHOOK_URLS/],
    [{ NOTIFY_WEBHOOK_SECRET: 'not-a-key' }, /whsec_/],
    [{ NOTIFY_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }, /24 bytes/],
    [{ NOTIFY_RETRY_HOURS: '0' }, /NOTIFY_RETRY_HOURS/],
  ])('refused: %j', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});
