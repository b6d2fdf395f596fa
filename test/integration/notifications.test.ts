// Notifications of meetings' outcomes on real parts: a real Temporal dev server, the worker's real delivery
// activity, and the simulator's consumer (simulator/consumer.ts) refusing, hanging or answering on demand.
// The retry pauses and the window are shortened (a second, ten seconds) so the failure paths end quickly.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { MeetingView } from '../../domain/view';
import { bearer, NOTIFY_SECRET, READ_TOKEN, startStack, viewWhenOn, type Stack } from '../helpers/stack';

const CONSUMER = 'orders-service';
let stack: Stack;
const viewWhen = viewWhenOn(() => stack);

beforeAll(async () => {
  stack = await startStack({
    notify: {
      consumers: [CONSUMER],
      retry: { firstPauseSeconds: 0.3, maxPauseSeconds: 1, windowSeconds: 10, attemptTimeoutSeconds: 1 },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** A meeting played to its end through the API; `outcome` as the simulator's scenario says. */
async function playMeeting(outcome: 'complete' | 'failed' = 'complete'): Promise<string> {
  const meeting = stack.sim.meetingBaas.create({ botId: `notify-${randomUUID()}`, outcome, words: 20 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);
  return meeting.botId;
}

/** What the consumer received about the meeting `botId`, parsed. */
function receivedFor(botId: string) {
  return stack.sim.consumer
    .received(CONSUMER)
    .map((r) => ({
      ...r,
      parsed: JSON.parse(r.body) as { type: string; timestamp: string; data: MeetingView },
    }))
    .filter((r) => r.parsed.data.externalId === botId);
}

const notificationSettled = (v: MeetingView) =>
  !!v.notifications?.length && v.notifications.every((n) => n.status !== 'pending');

test('a consumer that refuses twice gets it on the third attempt, with the same webhook-id, signed', async () => {
  stack.sim.consumer.behave(CONSUMER, { status: 503, times: 2 });
  const botId = await playMeeting();
  const view = await viewWhen(botId, notificationSettled);
  expect(view.status).toBe('completed');
  expect(view.notifications).toEqual([
    {
      type: 'meeting.completed',
      url: expect.stringContaining(`/consumer/${CONSUMER}`),
      status: 'delivered',
      attempts: 3,
      deliveredAt: expect.any(String),
      lastError: expect.stringContaining('HTTP 503'),
    },
  ]);
  const received = receivedFor(botId);
  expect(received.map((r) => r.answered)).toEqual([503, 503, 200]);
  expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  // Every attempt verifies with the library's own verifier, and carries the final view.
  const verifier = new Webhook(NOTIFY_SECRET);
  for (const r of received) expect(() => verifier.verify(r.body, r.headers)).not.toThrow();
  expect(received[2]!.parsed).toMatchObject({
    type: 'meeting.completed',
    timestamp: expect.any(String),
    data: { workflowId: `meetingbaas:${botId}`, status: 'completed', recording: { status: 'archived' } },
  });
  // A body altered on the way does not verify.
  expect(() =>
    verifier.verify(received[2]!.body.replace('completed', 'failed'), received[2]!.headers),
  ).toThrow();
});

test('a failed meeting is announced as meeting.failed', async () => {
  const botId = await playMeeting('failed');
  const view = await viewWhen(botId, notificationSettled);
  expect(view.status).toBe('failed');
  expect(view.notifications).toMatchObject([{ type: 'meeting.failed', status: 'delivered', attempts: 1 }]);
  expect(receivedFor(botId).map((r) => r.parsed.data.status)).toEqual(['failed']);
});

test('410 Gone stops at once: failed, with the reason', async () => {
  stack.sim.consumer.behave(CONSUMER, { status: 410, times: 1 });
  const botId = await playMeeting();
  const view = await viewWhen(botId, notificationSettled);
  expect(view.notifications).toEqual([
    expect.objectContaining({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('HTTP 410'),
    }),
  ]);
  expect(receivedFor(botId)).toHaveLength(1);
});

test('a consumer that hangs times out, and the next attempt delivers', async () => {
  stack.sim.consumer.behave(CONSUMER, { hangMs: Infinity, times: 1 });
  const botId = await playMeeting();
  const view = await viewWhen(botId, notificationSettled);
  expect(view.notifications).toEqual([
    expect.objectContaining({
      status: 'delivered',
      attempts: 2,
      lastError: expect.stringContaining('ConsumerTimeout'),
    }),
  ]);
  expect(receivedFor(botId).map((r) => r.answered)).toEqual(['hang', 200]);
});

test('a consumer down for the whole window: failed with the last error', async () => {
  stack.sim.consumer.behave(CONSUMER, { status: 502 });
  try {
    const botId = await playMeeting();
    const view = await viewWhen(botId, notificationSettled, 60_000);
    const [notification] = view.notifications!;
    expect(notification).toMatchObject({ status: 'failed', lastError: expect.stringContaining('HTTP 502') });
    // Attempts 0.3 s, 0.6 s, then 1 s apart for the 10 s window.
    expect(notification!.attempts).toBeGreaterThanOrEqual(5);
    expect(receivedFor(botId)).toHaveLength(notification!.attempts);
  } finally {
    stack.sim.consumer.behave(CONSUMER, {});
  }
}, 90_000);

test('resend: the same notification again (same webhook-id), delivered; 404 and 403 where due', async () => {
  const botId = await playMeeting();
  await viewWhen(botId, notificationSettled);
  const before = receivedFor(botId);
  expect(before).toHaveLength(1);

  const readOnly = await fetch(`${stack.apiUrl}/meetings/meetingbaas/${botId}/notifications/resend`, {
    method: 'POST',
    headers: bearer(READ_TOKEN),
  });
  expect(readOnly.status).toBe(403);

  stack.sim.consumer.behave(CONSUMER, { status: 500, times: 1 });
  const res = await stack.api(`/meetings/meetingbaas/${botId}/notifications/resend`, { method: 'POST' });
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ deliveries: [`meetingbaas:${botId}/notify/0`] });
  const view = await viewWhen(botId, (v) => notificationSettled(v) && receivedFor(botId).length === 3);
  expect(view.notifications).toMatchObject([{ status: 'delivered', attempts: 2 }]);
  const after = receivedFor(botId);
  expect(after.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(before[0]!.headers['webhook-id']));
  expect(after[2]!.body).toBe(before[0]!.body);

  const unknown = await stack.api(`/meetings/meetingbaas/no-such-${randomUUID()}/notifications/resend`, {
    method: 'POST',
  });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: 'not_found' });
});

test('resend of a meeting not final yet: 404', async () => {
  const meeting = stack.sim.meetingBaas.create({ botId: `notify-${randomUUID()}` });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/notifications/resend`, {
    method: 'POST',
  });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({
    error: 'not_found',
    message: expect.stringContaining('not final'),
  });
});
