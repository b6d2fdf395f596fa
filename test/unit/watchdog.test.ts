import { MEETING_STATUSES, type MeetingStatus } from '../../domain/lifecycle';
import {
  DEFAULT_WATCHDOG,
  giveUpAfterSeconds,
  MAX_RECONCILE_INTERVAL_SECONDS,
  reconcileIntervalSeconds,
  watchdogDelaySeconds,
} from '../../domain/watchdog';

const settings = {
  ...DEFAULT_WATCHDOG,
  finalDataTimeoutSeconds: 100,
  waitingRoomTimeoutSeconds: 600,
  graceSeconds: 30,
};

describe('watchdogDelaySeconds, over every status', () => {
  const expected: Record<MeetingStatus, number | undefined> = {
    scheduled: undefined,
    joining: undefined,
    waiting_room: 630,
    in_call: undefined,
    recording: undefined,
    paused: undefined,
    ended: 100,
    collecting: undefined,
    completed: undefined,
    failed: undefined,
  };
  test.each(MEETING_STATUSES.map((s) => [s, expected[s]] as const))('%s -> %p', (status, delay) => {
    expect(watchdogDelaySeconds(status, settings)).toBe(delay);
  });

  test("the bot's own waiting-room timeout wins over the default", () => {
    expect(watchdogDelaySeconds('waiting_room', settings, 120)).toBe(150);
    expect(watchdogDelaySeconds('ended', settings, 120)).toBe(100);
  });
});

describe('reconcileIntervalSeconds', () => {
  test('doubles from the configured interval up to the maximum', () => {
    const s = { ...DEFAULT_WATCHDOG, reconcileIntervalSeconds: 60 };
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => reconcileIntervalSeconds(s, n))).toEqual([
      60,
      120,
      240,
      480,
      960,
      MAX_RECONCILE_INTERVAL_SECONDS,
      MAX_RECONCILE_INTERVAL_SECONDS,
    ]);
  });
});

describe('giveUpAfterSeconds', () => {
  test('the final deadline, but never before the watchdog itself fired', () => {
    expect(giveUpAfterSeconds({ ...DEFAULT_WATCHDOG, finalDataDeadlineSeconds: 86_400 }, 630)).toBe(86_400);
    expect(giveUpAfterSeconds({ ...DEFAULT_WATCHDOG, finalDataDeadlineSeconds: 60 }, 630)).toBe(630);
  });
});
