// The final-data watchdog of Meeting BaaS meetings, at its real defaults on skipped time: once the call ended
// (or the bot waits in the waiting room past its timeout), the provider's API is asked after
// FINAL_DATA_TIMEOUT_SECONDS, again with backoff, and the meeting fails `final_event_missing` at
// FINAL_DATA_DEADLINE_SECONDS; a finished meeting stays open MEETING_LINGER_SECONDS.
import { randomUUID } from 'node:crypto';
import type { ReconcileResult } from '../../activities/meetingbaas/provider';
import {
  DEFAULTS,
  backoffAgainst,
  historyAt,
  scheduleAfter,
  secondsAfter,
  startSkippedMeetings,
  type SkippedMeetings,
} from '../helpers/time-skipping';
import { NO_MEETING } from '../helpers/stub-provider';
import { meetingBaasComplete, meetingBaasStatus } from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const newBotId = () => `bot-${randomUUID()}`;
const reconcileTimes = (botId: string) =>
  meetings.provider.calls(botId, 'reconcileMeetingBaas').map((c) => c.atMs);

/** What the reconcile activity returns once Meeting BaaS's API has the final data. */
const dataFound = (botId: string, atMs: number): ReconcileResult => ({
  outcome: 'event',
  event: {
    ...meetingBaasComplete(botId, atMs),
    source: 'api',
    note: 'final data read from the provider API (no final webhook arrived)',
  },
});

/**
 * When the watchdog asks, in seconds after the call ended, as the settings document it: first after
 * FINAL_DATA_TIMEOUT_SECONDS, then after RECONCILE_INTERVAL_SECONDS doubling up to 30 minutes, the last
 * question at FINAL_DATA_DEADLINE_SECONDS.
 */
function documentedAskSchedule(): number[] {
  const deadline = DEFAULTS.FINAL_DATA_DEADLINE_SECONDS;
  const asks = [DEFAULTS.FINAL_DATA_TIMEOUT_SECONDS];
  let pause = DEFAULTS.RECONCILE_INTERVAL_SECONDS;
  while (asks.at(-1)! < deadline) {
    asks.push(Math.min(asks.at(-1)! + Math.min(pause, 30 * 60), deadline));
    pause *= 2;
  }
  return asks;
}

async function callEnded(botId: string): Promise<number> {
  const t0 = await meetings.now();
  for (const code of ['joining_call', 'in_call_recording', 'call_ended'])
    expect(await meetings.deliver(meetingBaasStatus(botId, code, t0))).toMatchObject({ closed: false });
  return t0;
}

test('no final webhook, the API has the data: asked once, FINAL_DATA_TIMEOUT_SECONDS after the end; collected; open a linger more', async () => {
  const botId = newBotId();
  meetings.provider.script(botId, { reconcileMeetingBaas: ({ atMs }) => dataFound(botId, atMs) });
  const t0 = await callEnded(botId);

  // A second before the timeout, nobody has been asked.
  await meetings.skipUntil(t0, DEFAULTS.FINAL_DATA_TIMEOUT_SECONDS - 1);
  expect(reconcileTimes(botId)).toEqual([]);
  expect((await meetings.view('meetingbaas', botId)).status).toBe('ended');

  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  const asks = [DEFAULTS.FINAL_DATA_TIMEOUT_SECONDS];
  expect(scheduleAfter(t0, reconcileTimes(botId), asks)).toEqual(asks);
  expect(view.status).toBe('completed');
  expect(view.history.map((h) => [h.code, h.source, h.applied])).toEqual([
    ['joining_call', 'webhook', true],
    ['in_call_recording', 'webhook', true],
    ['call_ended', 'webhook', true],
    ['watchdog', 'timer', false],
    ['complete', 'api', true],
  ]);
  expect(view.history[3]!.note).toBe(
    `no news from the provider for ${DEFAULTS.FINAL_DATA_TIMEOUT_SECONDS} s while ended: asking its API`,
  );
  expect(view.recording).toMatchObject({ status: 'archived' });
  expect(view.transcript).toMatchObject({ status: 'archived', speakers: ['Alice', 'Bob'] });
  const archived = meetings.provider.calls(botId, 'archiveRecording');
  expect(archived).toHaveLength(1);
  expect(secondsAfter(t0, archived[0]!.atMs, asks[0]!)).toBe(asks[0]);
  // Completed at the question; closed once the linger is over.
  const linger = DEFAULTS.MEETING_LINGER_SECONDS;
  expect(secondsAfter(archived[0]!.atMs, closedAtMs, linger)).toBe(linger);
});

test('the data never comes: asked with backoff until FINAL_DATA_DEADLINE_SECONDS, then failed final_event_missing', async () => {
  const botId = newBotId();
  meetings.provider.script(botId, {
    reconcileMeetingBaas: () => ({ outcome: 'pending', detail: 'not published yet', inCall: false }),
  });
  const t0 = await callEnded(botId);

  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  const { actual, documented } = backoffAgainst(t0, reconcileTimes(botId), documentedAskSchedule());
  expect(actual).toEqual(documented);
  expect(view.status).toBe('failed');
  expect(view.error).toEqual({
    code: 'final_event_missing',
    message:
      `no final data within ${DEFAULTS.FINAL_DATA_DEADLINE_SECONDS} s of the meeting reaching ended;` +
      ` the provider's API last said: not published yet`,
  });
  expect(view.history.at(-1)).toMatchObject({ code: 'final_event_missing', source: 'timer', applied: true });
  const gaveUpAt = historyAt(view, 'final_event_missing');
  const deadline = DEFAULTS.FINAL_DATA_DEADLINE_SECONDS;
  expect(secondsAfter(t0, gaveUpAt, deadline)).toBe(deadline);
  // Nothing to collect; closed once the linger is over.
  expect(meetings.provider.calls(botId, 'archiveRecording')).toEqual([]);
  const linger = DEFAULTS.MEETING_LINGER_SECONDS;
  expect(secondsAfter(gaveUpAt, closedAtMs, linger)).toBe(linger);
});

test('the final webhook arrives while the watchdog asks: it wins, applied once, and the asking stops', async () => {
  const botId = newBotId();
  meetings.provider.script(botId, {
    reconcileMeetingBaas: () => ({ outcome: 'pending', detail: 'not published yet', inCall: false }),
  });
  const t0 = await callEnded(botId);
  const lateBy = 3 * 3600;
  await meetings.skipUntil(t0, lateBy);
  // Asked on the backoff's schedule (the last question, not at a deadline, counted from t0 too).
  const askedBefore = documentedAskSchedule().filter((s) => s <= lateBy);
  const { actual, documented } = backoffAgainst(t0, reconcileTimes(botId), askedBefore, 5);
  expect(actual).toEqual(documented);

  const completeAt = await meetings.now();
  expect(await meetings.deliver(meetingBaasComplete(botId, completeAt))).toMatchObject({ closed: false });
  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  expect(reconcileTimes(botId)).toHaveLength(askedBefore.length);
  expect(view.status).toBe('completed');
  expect(view.history.filter((h) => h.code === 'complete').map((h) => [h.source, h.applied])).toEqual([
    ['webhook', true],
  ]);
  const linger = DEFAULTS.MEETING_LINGER_SECONDS;
  expect(secondsAfter(completeAt, closedAtMs, linger)).toBe(linger);
});

describe.each([
  {
    how: 'a bot of another service (no waiting-room timeout known): WAITING_ROOM_TIMEOUT_SECONDS',
    waitingRoomTimeout: undefined,
    asksAfter: DEFAULTS.WAITING_ROOM_TIMEOUT_SECONDS + DEFAULTS.WATCHDOG_GRACE_SECONDS,
  },
  {
    how: "a bot sent through POST /bots with waiting_room_timeout 1200: the request's",
    waitingRoomTimeout: 1200,
    asksAfter: 1200 + DEFAULTS.WATCHDOG_GRACE_SECONDS,
  },
])('stuck in the waiting room, $how', ({ waitingRoomTimeout, asksAfter }) => {
  test('plus WATCHDOG_GRACE_SECONDS, the API is asked: it says the bot failed, and so does the meeting', async () => {
    const botId = newBotId();
    if (waitingRoomTimeout !== undefined) {
      // As POST /bots does: the request workflow sends the bot, then tells the meeting about it.
      meetings.provider.script(NO_MEETING, { createMeetingBaasBot: () => ({ botId }) });
      const sent = await meetings.gateway.sendBot(
        {
          meeting_url: 'https://meet.google.com/abc-defg-hij',
          bot_name: 'Notetaker',
          automatic_leave: { waiting_room_timeout: waitingRoomTimeout },
        },
        randomUUID(),
      );
      expect(sent).toMatchObject({ state: 'sent', botId, workflowId: `meetingbaas:${botId}` });
    }
    meetings.provider.script(botId, {
      reconcileMeetingBaas: ({ externalId, atMs }) => ({
        outcome: 'event',
        event: {
          provider: 'meetingbaas',
          externalId,
          kind: 'final_failure',
          code: 'failed',
          receivedAt: new Date(atMs).toISOString(),
          source: 'api',
          dedupeKey: 'failed:TimeoutWaitingToStart',
          error: { code: 'TimeoutWaitingToStart', message: 'the bot was not let in' },
        },
      }),
    });
    const t0 = await meetings.now();
    for (const code of ['joining_call', 'in_waiting_room'])
      expect(await meetings.deliver(meetingBaasStatus(botId, code, t0))).toMatchObject({ closed: false });

    await meetings.skipUntil(t0, asksAfter - 1);
    expect(reconcileTimes(botId)).toEqual([]);
    const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
    expect(scheduleAfter(t0, reconcileTimes(botId), [asksAfter])).toEqual([asksAfter]);
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('TimeoutWaitingToStart');
    expect(view.history.find((h) => h.code === 'watchdog')?.note).toBe(
      `no news from the provider for ${asksAfter} s while waiting_room: asking its API`,
    );
    const closesAfter = asksAfter + DEFAULTS.MEETING_LINGER_SECONDS;
    expect(secondsAfter(t0, closedAtMs, closesAfter)).toBe(closesAfter);
  });
});
