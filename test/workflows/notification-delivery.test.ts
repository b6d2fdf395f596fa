// A notification's delivery on skipped time, at its real defaults (DEFAULT_NOTIFY_RETRY): 5 s, 10 s, 20 s …
// up to an hour between attempts, for 72 hours. The meeting completes through the API's own gateway; the
// worker's activities are stubs (test/helpers/stub-provider.ts) whose consumer refuses as each test says.
import { randomUUID } from 'node:crypto';
import { activityFailure } from '../../activities/failure';
import { deliveryWorkflowId, DEFAULT_NOTIFY_RETRY } from '../../domain/notify/notification';
import type { MeetingView } from '../../domain/view';
import { fakeArchiveRef, NO_MEETING, type ProviderScript } from '../helpers/stub-provider';
import { asExpected, startSkippedMeetings, type SkippedMeetings } from '../helpers/time-skipping';
import { meetingBaasComplete, meetingBaasStatus } from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const URL = 'https://consumer.example.com/hooks/meetings';

/** The worker's notification activities: one URL; the consumer answers attempt n with `answer(n)`. */
function consumer(answer: (attempt: number) => 'ok' | number): ProviderScript {
  let attempts = 0;
  return {
    prepareNotification: () => ({
      body: fakeArchiveRef('notifications/body.json'),
      urls: [URL],
      retry: DEFAULT_NOTIFY_RETRY,
    }),
    deliverNotification: () => {
      const status = answer(++attempts);
      if (status === 'ok') return { status: 200 };
      if (status === 410) throw activityFailure('Http410', 'HTTP 410: gone');
      throw activityFailure('ConsumerRefused', `HTTP ${status}`);
    },
  };
}

/** Plays a meeting to `completed`; returns its delivery's workflow id and when the meeting completed. */
async function completedMeeting(): Promise<{ botId: string; deliveryId: string }> {
  const botId = `bot-${randomUUID()}`;
  const t0 = await meetings.now();
  await meetings.deliver(meetingBaasStatus(botId, 'call_ended', t0));
  await meetings.deliver(meetingBaasComplete(botId, t0));
  await meetings.viewWhen('meetingbaas', botId, (v) => (v.notifications?.length ?? 0) > 0);
  return { botId, deliveryId: deliveryWorkflowId(`meetingbaas:${botId}`, 0) };
}

/** Seconds between consecutive delivery attempts. */
function pauses(): number[] {
  const times = meetings.provider.calls(NO_MEETING, 'deliverNotification').map((c) => c.atMs);
  return times.slice(1).map((t, i) => (t - times[i]!) / 1000);
}

const settled = (v: MeetingView) => v.notifications?.every((n) => n.status !== 'pending') ?? false;

test('without NOTIFY_WEBHOOK_URLS a meeting sends nothing and has no notifications', async () => {
  meetings.provider.script(NO_MEETING, {});
  const botId = `bot-${randomUUID()}`;
  const t0 = await meetings.now();
  await meetings.deliver(meetingBaasStatus(botId, 'call_ended', t0));
  await meetings.deliver(meetingBaasComplete(botId, t0));
  const { view } = await meetings.closed('meetingbaas', botId);
  expect(view.status).toBe('completed');
  expect(view.notifications).toBeUndefined();
});

test('refused three times, then delivered: 5 s, 10 s, 20 s apart, four attempts counted', async () => {
  meetings.provider.script(
    NO_MEETING,
    consumer((n) => (n <= 3 ? 503 : 'ok')),
  );
  const { botId, deliveryId } = await completedMeeting();
  await meetings.env.client.workflow.getHandle(deliveryId).result();
  const view = await meetings.viewWhen('meetingbaas', botId, settled);
  expect(view.notifications).toEqual([
    {
      type: 'meeting.completed',
      url: URL,
      status: 'delivered',
      attempts: 4,
      deliveredAt: expect.any(String),
      lastError: 'ConsumerRefused: HTTP 503',
    },
  ]);
  expect(asExpected(pauses(), [5, 10, 20], 1)).toEqual([5, 10, 20]);
  // Every attempt carried the same webhook-id.
  const ids = meetings.provider.calls(NO_MEETING, 'deliverNotification').map((c) => c.input.webhookId);
  expect(new Set(ids)).toEqual(new Set([`msg_meetingbaas:${botId}_0_meeting.completed`]));
});

test('410 Gone: one attempt, failed at once', async () => {
  meetings.provider.script(
    NO_MEETING,
    consumer(() => 410),
  );
  const { botId, deliveryId } = await completedMeeting();
  await expect(meetings.env.client.workflow.getHandle(deliveryId).result()).rejects.toThrow();
  const view = await meetings.viewWhen('meetingbaas', botId, settled);
  expect(view.notifications).toEqual([
    expect.objectContaining({ status: 'failed', attempts: 1, lastError: 'Http410: HTTP 410: gone' }),
  ]);
});

// Last: it moves the server's clock 72 hours ahead of the webhooks' real-time receipt.
test('down for the whole window: attempts for 72 hours (pauses doubling to an hour), then failed', async () => {
  meetings.provider.script(
    NO_MEETING,
    consumer(() => 503),
  );
  const before = meetings.provider.calls(NO_MEETING, 'deliverNotification').length;
  const { botId, deliveryId } = await completedMeeting();
  const handle = meetings.env.client.workflow.getHandle(deliveryId);
  await expect(handle.result()).rejects.toThrow();
  const { startTime, closeTime } = await handle.describe();
  const windowSeconds = (closeTime!.getTime() - startTime.getTime()) / 1000;
  expect(windowSeconds).toBeLessThanOrEqual(72 * 3600);
  expect(windowSeconds).toBeGreaterThan(71 * 3600);

  const view = await meetings.viewWhen('meetingbaas', botId, settled);
  // 10 doubling pauses (5 s … 2560 s, 5115 s in all), then hourly ones while the next starts in the window.
  expect(view.notifications).toEqual([
    expect.objectContaining({ status: 'failed', attempts: 81, lastError: 'ConsumerRefused: HTTP 503' }),
  ]);
  const own = pauses().slice(before);
  expect(asExpected(own.slice(0, 11), [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600], 1)).toEqual([
    5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600,
  ]);
  expect(Math.max(...own)).toBeLessThanOrEqual(3601);
});
