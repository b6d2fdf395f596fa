// The live watchdog's rules (domain/watchdog.ts) and what it keeps in the meeting (domain/meeting.ts):
// silence and meeting deadline while live, what the UI says, what the provider's answers mean, `no_end`.
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import { MEETING_STATUSES, type MeetingStatus } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { meetingViewSchema } from '../../domain/view';
import { ConfigError, parseConfig, watchdogSettings } from '../../platform/config';
import {
  DEFAULT_WATCHDOG,
  endedFromApi,
  isLive,
  liveWatch,
  liveWatchNotes,
  noEndMessage,
  watchdogSettingsOf,
  webexLiveAnswer,
} from '../../domain/watchdog';
import { MEETINGBAAS_ENDED_FROM_API } from '../../domain/meetingbaas/ended-from-api';
import { webexEndedFromApi } from '../../domain/webex/ended-from-api';

const settings = { ...DEFAULT_WATCHDOG, silenceTimeoutSeconds: 100, meetingDeadlineSeconds: 1000 };
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(s(seconds)).toISOString();

describe('settings', () => {
  test('defaults: 2 hours of silence, a day for the meeting', () => {
    expect(DEFAULT_WATCHDOG.silenceTimeoutSeconds).toBe(7200);
    expect(DEFAULT_WATCHDOG.meetingDeadlineSeconds).toBe(86_400);
  });

  test("a run's input from before the live watchdog gets the defaults for what it lacks", () => {
    const old = { finalDataTimeoutSeconds: 5 } as Partial<typeof DEFAULT_WATCHDOG>;
    expect(watchdogSettingsOf(old)).toEqual({ ...DEFAULT_WATCHDOG, finalDataTimeoutSeconds: 5 });
    expect(watchdogSettingsOf(undefined)).toEqual(DEFAULT_WATCHDOG);
  });
});

describe('configuration', () => {
  test('SILENCE_TIMEOUT_SECONDS and MEETING_DEADLINE_SECONDS reach the workflow settings', () => {
    expect(watchdogSettings(parseConfig({}))).toMatchObject({
      silenceTimeoutSeconds: 7200,
      meetingDeadlineSeconds: 86_400,
    });
    const set = parseConfig({ SILENCE_TIMEOUT_SECONDS: '60', MEETING_DEADLINE_SECONDS: '600' });
    expect(watchdogSettings(set)).toMatchObject({ silenceTimeoutSeconds: 60, meetingDeadlineSeconds: 600 });
  });

  test.each(['0', '-5', 'soon', '1.5'])('%p is refused', (value) => {
    expect(() => parseConfig({ SILENCE_TIMEOUT_SECONDS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ MEETING_DEADLINE_SECONDS: value })).toThrow(ConfigError);
  });
});

describe('liveWatch, over every status', () => {
  const times = { firstHeardMs: s(0), lastHeardMs: s(30) };
  const watched: Record<MeetingStatus, boolean> = {
    scheduled: true,
    joining: true,
    // Its own watchdog (the bot's waiting-room timeout) steps in long before any silence.
    waiting_room: false,
    in_call: true,
    recording: true,
    paused: true,
    // The final-data watchdog's from here on; collection and final statuses wait for nothing outside.
    ended: false,
    collecting: false,
    completed: false,
    failed: false,
  };
  test.each(MEETING_STATUSES.map((st) => [st, watched[st]] as const))('%s watched: %p', (status, yes) => {
    const watch = liveWatch(status, times, settings);
    if (!yes) return expect(watch).toBeUndefined();
    expect(watch).toEqual({ reason: 'silence', atMs: s(130), silenceAtMs: s(130), deadlineAtMs: s(1000) });
  });

  test('live statuses are scheduled to paused', () => {
    expect(MEETING_STATUSES.filter(isLive)).toEqual([
      'scheduled',
      'joining',
      'waiting_room',
      'in_call',
      'recording',
      'paused',
    ]);
  });
});

describe('liveWatch: silence and deadline', () => {
  test('silence counts from the last news; the deadline from the first event', () => {
    const watch = liveWatch('recording', { firstHeardMs: s(0), lastHeardMs: s(500) }, settings);
    expect(watch).toMatchObject({ reason: 'silence', atMs: s(600), deadlineAtMs: s(1000) });
  });

  test('an unanswered question waits a full silence period before the next', () => {
    const watch = liveWatch(
      'recording',
      { firstHeardMs: s(0), lastHeardMs: s(10), lastAskedMs: s(110) },
      settings,
    );
    expect(watch).toMatchObject({ reason: 'silence', atMs: s(210) });
  });

  test('the deadline wins when it comes first', () => {
    const watch = liveWatch('in_call', { firstHeardMs: s(0), lastHeardMs: s(950) }, settings);
    expect(watch).toEqual({ reason: 'deadline', atMs: s(1000), silenceAtMs: s(1050), deadlineAtMs: s(1000) });
  });

  test('a silence due exactly at the deadline is the deadline', () => {
    const watch = liveWatch('in_call', { firstHeardMs: s(0), lastHeardMs: s(900) }, settings);
    expect(watch?.reason).toBe('deadline');
  });

  test('past both: due at once (the workflow acts on it)', () => {
    const watch = liveWatch('scheduled', { firstHeardMs: s(0), lastHeardMs: s(0) }, settings);
    expect(watch).toMatchObject({ reason: 'silence', atMs: s(100) });
  });
});

describe('liveWatchNotes: what the UI says each part waits for', () => {
  test('silence, then the deadline', () => {
    const watch = liveWatch('recording', { firstHeardMs: s(0), lastHeardMs: s(0) }, settings)!;
    expect(liveWatchNotes(watch, 'Meeting BaaS')).toEqual({
      silence: `silence: asks Meeting BaaS at ${iso(100)} if nothing is heard before`,
      deadline: `deadline: asks Meeting BaaS a last time and gives up (no_end) at ${iso(1000)} if the meeting has not ended`,
    });
  });

  test('no silence note when the deadline comes first', () => {
    const watch = liveWatch('in_call', { firstHeardMs: s(0), lastHeardMs: s(950) }, settings)!;
    expect(liveWatchNotes(watch, 'Webex').silence).toBeUndefined();
  });
});

describe("what the provider's API says", () => {
  test.each([
    ['ended', 'ended'],
    ['inProgress', 'live'],
    ['ready', 'live'],
    [undefined, 'live'],
  ] as const)('Webex state %p -> %s', (state, outcome) => {
    expect(webexLiveAnswer(state).outcome).toBe(outcome);
  });

  test("an `ended` read from Webex's API has the dedupe key of the webhook it stands for", () => {
    const event = endedFromApi(
      'webex',
      'abc_I_123',
      iso(5),
      'Webex says the meeting has ended',
      webexEndedFromApi('abc_I_123'),
    );
    expect(providerEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      kind: 'ended',
      code: 'meetings.ended',
      source: 'api',
      dedupeKey: 'meetings:ended:abc_I_123',
    });
  });

  test("an `ended` read from Meeting BaaS's API says where it came from", () => {
    const event = endedFromApi(
      'meetingbaas',
      'bot-1',
      iso(5),
      'the bot has left',
      MEETINGBAAS_ENDED_FROM_API,
    );
    expect(event).toMatchObject({
      kind: 'ended',
      code: 'call_ended',
      source: 'api',
      dedupeKey: 'api:call_ended',
    });
    expect(event.note).toMatch(/the bot has left/);
  });
});

test('noEndMessage says what was last heard and what the API last said', () => {
  const message = noEndMessage(
    { ...settings, meetingDeadlineSeconds: 8 },
    { firstHeardAt: iso(0), lastEvent: 'in_call_recording (webhook)', lastEventAt: iso(1) },
    'the bot has not left',
  );
  expect(message).toBe(
    `the meeting did not end within 8 s of its first event (${iso(0)}); ` +
      `last heard: in_call_recording (webhook) at ${iso(1)}; the provider's API last said: the bot has not left`,
  );
  expect(noEndMessage(settings, {}, 'x')).toMatch(/nothing heard from the provider/);
});

describe('the meeting keeps what the live watchdog counts from', () => {
  const event = (code: string, receivedAt: string, extra: Partial<ProviderEvent> = {}): ProviderEvent =>
    providerEventSchema.parse({
      provider: 'meetingbaas',
      externalId: 'bot-1',
      kind: 'recording',
      code,
      receivedAt,
      source: 'webhook',
      dedupeKey: `${code}:${receivedAt}`,
      ...extra,
    });

  test('first and last receipt of news from outside; timers are not news, duplicates not new', () => {
    const m = new Meeting('meetingbaas', 'bot-1');
    m.apply(event('joining_call', iso(10), { kind: 'joining' }));
    m.apply(event('in_call_recording', iso(20)));
    m.apply(event('in_call_recording', iso(20)));
    // Not applied (recorded only), still news.
    m.apply(event('joining_call', iso(30), { kind: 'joining' }));
    m.apply(event('collect_assets', iso(40), { kind: 'unknown', source: 'timer' }));
    expect(m.contact).toEqual({
      firstHeardAt: iso(10),
      lastHeardAt: iso(30),
      lastEvent: 'joining_call (webhook)',
      lastEventAt: iso(30),
    });
  });

  test('an API answer that the meeting goes on is news; a failed question only counts as asked', () => {
    const m = new Meeting('meetingbaas', 'bot-1');
    m.apply(event('in_call_recording', iso(0)));
    m.askedProvider(iso(100), { code: 'reconcile_failed', note: 'HTTP 503', goesOn: false });
    expect(m.contact).toMatchObject({ lastHeardAt: iso(0), lastAskedAt: iso(100), asks: 1 });
    m.askedProvider(iso(200), { code: 'provider_says_live', note: 'the bot has not left', goesOn: true });
    expect(m.contact).toMatchObject({
      lastHeardAt: iso(200),
      lastAskedAt: iso(200),
      asks: 2,
      lastEvent: 'in_call_recording (webhook)',
    });
    expect(m.view.history.slice(-2)).toEqual([
      {
        at: iso(100),
        code: 'reconcile_failed',
        status: 'recording',
        source: 'api',
        applied: false,
        note: 'HTTP 503',
      },
      {
        at: iso(200),
        code: 'provider_says_live',
        status: 'recording',
        source: 'api',
        applied: false,
        note: 'the bot has not left',
      },
    ]);
    // Asked, with the answer an event of its own (applied by the workflow): only the time is kept.
    m.askedProvider(iso(300));
    expect(m.contact).toMatchObject({ lastAskedAt: iso(300), asks: 3 });
    expect(m.view.history).toHaveLength(3);
  });

  test('giveUp fails a live meeting with the code and message, in the history as applied', () => {
    const m = new Meeting('webex', 'abc_I_1');
    m.apply(event('meetings.started', iso(0), { provider: 'webex', externalId: 'abc_I_1', kind: 'in_call' }));
    expect(m.giveUp('no_end', 'the meeting did not end', iso(9))).toBe(true);
    expect(m.status).toBe('failed');
    expect(m.view.error).toEqual({ code: 'no_end', message: 'the meeting did not end' });
    expect(m.view.history.at(-1)).toEqual({
      at: iso(9),
      code: 'no_end',
      status: 'failed',
      source: 'timer',
      applied: true,
      note: 'the meeting did not end',
    });
    expect(meetingViewSchema.parse(m.view)).toEqual(m.view);
  });

  test.each(['ended', 'collecting', 'completed', 'failed'] as const)(
    'giveUp changes nothing once the meeting is %s',
    (status) => {
      const m = new Meeting('meetingbaas', 'bot-1');
      m.view.status = status;
      expect(m.giveUp('no_end', 'x', iso(1))).toBe(false);
      expect(m.status).toBe(status);
      expect(m.view.error).toBeUndefined();
      expect(m.view.history).toEqual([]);
    },
  );

  test('the contact travels in the snapshot (continue-as-new)', () => {
    const m = new Meeting('meetingbaas', 'bot-1');
    m.apply(event('in_call_recording', iso(0)));
    m.askedProvider(iso(100), { code: 'provider_says_live', note: 'the bot has not left', goesOn: true });
    expect(Meeting.restore(m.snapshot()).contact).toEqual(m.contact);
  });
});
