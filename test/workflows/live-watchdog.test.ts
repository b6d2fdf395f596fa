// The live watchdog at its real defaults on skipped time, for both providers: a meeting silent for
// SILENCE_TIMEOUT_SECONDS makes the provider's API be asked where it stands; one that has not ended
// MEETING_DEADLINE_SECONDS after its first event is asked a last time, then fails `no_end`.
import { randomUUID } from 'node:crypto';
import type { ProviderEvent } from '../../domain/events';
import type { Provider } from '../../domain/workflow-id';
import type { ProviderScript } from '../helpers/stub-provider';
import {
  backoffAgainst,
  DEFAULTS,
  historyAt,
  scheduleAfter,
  secondsAfter,
  startSkippedMeetings,
  type SkippedMeetings,
} from '../helpers/time-skipping';
import {
  meetingBaasComplete,
  meetingBaasStatus,
  webexInstanceId,
  webexMeeting,
} from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

/** Each provider: its meeting under way, how its API is asked, and its answers. */
interface LiveProvider {
  provider: Provider;
  /** The activity the live watchdog calls. */
  asks: 'reconcileMeetingBaas' | 'webexMeetingState';
  newId: () => string;
  /** The webhooks of a meeting under way (the bot recording; the Webex meeting started). */
  underWay: (id: string, atMs: number) => ProviderEvent[];
  /** The provider's API: the meeting goes on (`detail`: how it says so). */
  stillLive: { script: ProviderScript; detail: string };
  /** The provider's API: the meeting is over, its data there to collect. */
  over: ProviderScript;
  /** What the provider's last answer is called in a `no_end` message. */
  lastEvent: string;
  /**
   * How long after its collection the meeting's workflow closes; undefined: Webex looks for more assets
   * until its asset deadline first (webex-assets.test.ts), not this file's subject.
   */
  closesAfterCollection: number | undefined;
}

const meetingBaas: LiveProvider = {
  provider: 'meetingbaas',
  asks: 'reconcileMeetingBaas',
  newId: () => `bot-${randomUUID()}`,
  underWay: (botId, atMs) => [
    meetingBaasStatus(botId, 'joining_call', atMs),
    meetingBaasStatus(botId, 'in_call_recording', atMs),
  ],
  stillLive: {
    script: {
      reconcileMeetingBaas: () => ({ outcome: 'pending', detail: 'the bot has not left', inCall: true }),
    },
    detail: 'the bot has not left',
  },
  over: {
    reconcileMeetingBaas: ({ externalId, atMs }) => ({
      outcome: 'event',
      event: { ...meetingBaasComplete(externalId, atMs), source: 'api' },
    }),
  },
  lastEvent: 'in_call_recording (webhook)',
  closesAfterCollection: DEFAULTS.MEETING_LINGER_SECONDS,
};

const webex: LiveProvider = {
  provider: 'webex',
  asks: 'webexMeetingState',
  newId: () => webexInstanceId(randomUUID()),
  underWay: (meetingId, atMs) => [webexMeeting(meetingId, 'started', atMs)],
  stillLive: {
    script: { webexMeetingState: () => ({ state: 'inProgress' }) },
    detail: 'Webex says the meeting is inProgress',
  },
  over: {
    webexMeetingState: () => ({ state: 'ended' }),
    listWebexRecordings: () => [{ id: 'rec-1', durationSeconds: 1800 }],
    listWebexTranscripts: () => [
      {
        id: 'tr-1',
        vttDownloadLink: 'https://example.webex.com/tr-1.vtt',
        txtDownloadLink: 'https://example.webex.com/tr-1.txt',
      },
    ],
  },
  lastEvent: 'meetings.started (webhook)',
  closesAfterCollection: undefined,
};

async function startMeeting(live: LiveProvider, script: ProviderScript) {
  const id = live.newId();
  meetings.provider.script(id, script);
  const t0 = await meetings.now();
  for (const event of live.underWay(id, t0))
    expect(await meetings.deliver(event)).toMatchObject({ closed: false });
  const askTimes = () => meetings.provider.calls(id, live.asks).map((c) => c.atMs);
  return { id, t0, askTimes };
}

describe.each([meetingBaas, webex])('$provider', (live) => {
  test('silent for SILENCE_TIMEOUT_SECONDS: its API is asked, says the meeting is over; collected', async () => {
    const { id, t0, askTimes } = await startMeeting(live, live.over);
    const silence = DEFAULTS.SILENCE_TIMEOUT_SECONDS;

    await meetings.skipUntil(t0, silence - 1);
    expect(askTimes()).toEqual([]);
    expect((await meetings.view(live.provider, id)).status).toBe(
      live.provider === 'webex' ? 'in_call' : 'recording',
    );

    // Completed at the question (a few seconds past it: the workflow counts from its own first task).
    await meetings.skipUntil(t0, silence + 10);
    const collected = await meetings.viewWhen(live.provider, id, (v) => v.status === 'completed');
    expect(scheduleAfter(t0, askTimes(), [silence])).toEqual([silence]);
    const watchdog = collected.history.find((h) => h.code === 'watchdog');
    expect(watchdog).toMatchObject({ source: 'timer', applied: false });
    expect(watchdog?.note).toMatch(
      new RegExp(`^nothing heard for ${silence} s while (recording|in_call): asking`),
    );
    expect(secondsAfter(t0, historyAt(collected, 'watchdog'), silence)).toBe(silence);
    expect(collected.recording).toMatchObject({ status: 'archived' });
    expect(collected.transcript).toMatchObject({ status: 'archived' });
    if (live.provider === 'webex') {
      // Webex has no final data: the API's `ended` stands for the lost webhook, then the assets are looked for.
      expect(collected.history).toContainEqual(
        expect.objectContaining({ code: 'meetings.ended', source: 'api', applied: true }),
      );
    }

    const closesAfter = live.closesAfterCollection;
    if (closesAfter === undefined) return await meetings.terminate(live.provider, id);
    const { view, closedAtMs } = await meetings.closed(live.provider, id);
    expect(view.status).toBe('completed');
    expect(askTimes()).toHaveLength(1);
    expect(secondsAfter(t0, closedAtMs, silence + closesAfter)).toBe(silence + closesAfter);
  });

  test('never ends: asked at every silence, a last time at MEETING_DEADLINE_SECONDS, then failed no_end', async () => {
    const { id, t0, askTimes } = await startMeeting(live, live.stillLive.script);
    const silence = DEFAULTS.SILENCE_TIMEOUT_SECONDS;
    const deadline = DEFAULTS.MEETING_DEADLINE_SECONDS;
    // Every silence before the deadline, then the deadline's own question.
    const schedule = [
      ...Array.from({ length: Math.ceil(deadline / silence) - 1 }, (_, i) => (i + 1) * silence),
      deadline,
    ];

    const { view, closedAtMs } = await meetings.closed(live.provider, id);
    const { actual, documented } = backoffAgainst(t0, askTimes(), schedule);
    expect(actual).toEqual(documented);
    expect(view.status).toBe('failed');
    expect(view.error).toEqual({
      code: 'no_end',
      message:
        `the meeting did not end within ${deadline} s of its first event (${new Date(t0).toISOString()}); ` +
        `last heard: ${live.lastEvent} at ${new Date(t0).toISOString()}; ` +
        `the provider's API last said: ${live.stillLive.detail}`,
    });
    expect(view.history.filter((h) => h.code === 'provider_says_live')).toHaveLength(schedule.length);
    expect(view.history.at(-1)).toMatchObject({ code: 'no_end', source: 'timer', applied: true });
    const gaveUpAt = historyAt(view, 'no_end');
    expect(secondsAfter(t0, gaveUpAt, deadline)).toBe(deadline);
    const linger = DEFAULTS.MEETING_LINGER_SECONDS;
    expect(secondsAfter(gaveUpAt, closedAtMs, linger)).toBe(linger);
  });
});

test('Meeting BaaS: news during the call restarts the silence; the bot left without a word: the final-data watchdog takes over', async () => {
  const {
    id: botId,
    t0,
    askTimes,
  } = await startMeeting(meetingBaas, {
    // Still in at the first question; by the second the bot has left, and the data is out at the third.
    reconcileMeetingBaas: ({ externalId, atMs }) => {
      const ask = meetings.provider.calls(externalId, 'reconcileMeetingBaas').length;
      if (ask === 1) return { outcome: 'pending', detail: 'the bot has not left', inCall: true };
      if (ask === 2) return { outcome: 'pending', detail: 'the bot left; no data yet', inCall: false };
      return { outcome: 'event', event: { ...meetingBaasComplete(externalId, atMs), source: 'api' } };
    },
  });
  const silence = DEFAULTS.SILENCE_TIMEOUT_SECONDS;
  const pausedAfter = 5000;
  await meetings.skipUntil(t0, pausedAfter);
  expect(
    await meetings.deliver(meetingBaasStatus(botId, 'recording_paused', await meetings.now())),
  ).toMatchObject({ closed: false });

  const { view } = await meetings.closed('meetingbaas', botId);
  // Silence counted from the pause: asked at pause + silence (still in), again a silence later (it left:
  // ended), then FINAL_DATA_TIMEOUT_SECONDS after that end (the data).
  const schedule = [
    pausedAfter + silence,
    pausedAfter + 2 * silence,
    pausedAfter + 2 * silence + DEFAULTS.FINAL_DATA_TIMEOUT_SECONDS,
  ];
  expect(scheduleAfter(t0, askTimes(), schedule)).toEqual(schedule);
  expect(view.status).toBe('completed');
  expect(view.history.map((h) => [h.code, h.source, h.applied])).toEqual([
    ['joining_call', 'webhook', true],
    ['in_call_recording', 'webhook', true],
    ['recording_paused', 'webhook', true],
    ['watchdog', 'timer', false],
    ['provider_says_live', 'api', false],
    ['watchdog', 'timer', false],
    ['call_ended', 'api', true],
    ['watchdog', 'timer', false],
    ['complete', 'api', true],
  ]);
});
