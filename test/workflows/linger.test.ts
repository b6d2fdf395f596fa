// The linger at its real default on skipped time: a finished meeting's workflow stays open
// MEETING_LINGER_SECONDS so that late deliveries land in its history; final data that comes late is still
// collected, during the linger (same run, the linger then starts again) or after it (a new run).
import { randomUUID } from 'node:crypto';
import {
  DEFAULTS,
  historyAt,
  secondsAfter,
  startSkippedMeetings,
  type SkippedMeetings,
} from '../helpers/time-skipping';
import { meetingBaasComplete, meetingBaasStatus } from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const linger = DEFAULTS.MEETING_LINGER_SECONDS;
const newBotId = () => `bot-${randomUUID()}`;

test('completed: open MEETING_LINGER_SECONDS, late webhooks recorded without restarting it; then the API answers closed', async () => {
  const botId = newBotId();
  const t0 = await meetings.now();
  for (const event of [meetingBaasStatus(botId, 'call_ended', t0), meetingBaasComplete(botId, t0)])
    expect(await meetings.deliver(event)).toMatchObject({ closed: false });

  await meetings.skip(linger / 2);
  const lateAt = await meetings.now();
  expect(await meetings.deliver(meetingBaasStatus(botId, 'bot_removed', lateAt))).toMatchObject({
    closed: false,
  });
  // The same `complete` again (a redelivery): ignored by the open run.
  expect(await meetings.deliver(meetingBaasComplete(botId, lateAt))).toMatchObject({ closed: false });

  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  expect(secondsAfter(t0, closedAtMs, linger)).toBe(linger);
  expect(view.status).toBe('completed');
  expect(view.history.map((h) => [h.code, h.applied])).toEqual([
    ['call_ended', true],
    ['complete', true],
    ['bot_removed', false],
  ]);
  expect(meetings.provider.calls(botId, 'archiveRecording')).toHaveLength(1);

  // Closed: a status is answered as such; the final data again starts nothing (it was collected).
  const after = await meetings.now();
  expect(await meetings.deliver(meetingBaasStatus(botId, 'call_ended', after))).toMatchObject({
    closed: true,
  });
  expect(await meetings.deliver(meetingBaasComplete(botId, after))).toMatchObject({ closed: true });
});

describe.each([
  { when: 'during the linger (the same run)', lateBy: linger / 2, resumed: false },
  { when: 'after the linger (a new run from the closed view)', lateBy: linger + 600, resumed: true },
])('failed no_end, then the final data comes $when', ({ lateBy, resumed }) => {
  test('collected, completed, and open a linger more from then', async () => {
    const botId = newBotId();
    meetings.provider.script(botId, {
      reconcileMeetingBaas: () => ({ outcome: 'pending', detail: 'the bot has not left', inCall: true }),
    });
    const t0 = await meetings.now();
    expect(await meetings.deliver(meetingBaasStatus(botId, 'in_call_recording', t0))).toMatchObject({
      closed: false,
    });
    const gaveUpAfter = DEFAULTS.MEETING_DEADLINE_SECONDS;
    await meetings.skip(gaveUpAfter + lateBy);
    const failed = await meetings.view('meetingbaas', botId);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'no_end' } });
    expect(secondsAfter(t0, historyAt(failed, 'no_end'), gaveUpAfter)).toBe(gaveUpAfter);

    const lateAt = await meetings.now();
    const delivered = await meetings.deliver(meetingBaasComplete(botId, lateAt));
    expect(delivered).toEqual({
      workflowId: `meetingbaas:${botId}`,
      closed: false,
      ...(resumed ? { resumed } : {}),
    });

    const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
    expect(view.status).toBe('completed');
    expect(view.error).toBeUndefined();
    expect(view.recording).toMatchObject({ status: 'archived' });
    expect(view.history.map((h) => h.code)).toEqual(expect.arrayContaining(['no_end', 'complete']));
    const archived = meetings.provider.calls(botId, 'archiveRecording');
    expect(archived).toHaveLength(1);
    expect(secondsAfter(lateAt, archived[0]!.atMs, 0)).toBe(0);
    expect(secondsAfter(lateAt, closedAtMs, linger)).toBe(linger);
  });
});
