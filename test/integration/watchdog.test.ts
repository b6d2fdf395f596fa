// Watchdogs: a meeting whose final webhook never comes is reconciled through the provider's API, and fails
// `final_event_missing` only when the data never appears before the deadline (deadlines shortened here).
import type { MeetingView } from '../../domain/view';
import { postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    watchdog: {
      finalDataTimeoutSeconds: 2,
      finalDataDeadlineSeconds: 8,
      reconcileIntervalSeconds: 1,
      waitingRoomTimeoutSeconds: 2,
      graceSeconds: 1,
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const final = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';

test('final webhook never sent, data published: completed through the API, source "api" in the history', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 30, recordingBytes: 100_000 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  const codes = done.history.map((h) => [h.code, h.source, h.applied]);
  expect(codes).toContainEqual(['watchdog', 'timer', false]);
  expect(codes.at(-1)).toEqual(['complete', 'api', true]);
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  expect(done.transcript).toMatchObject({ status: 'archived', speakers: ['Alice', 'Bob'] });
});

test('final webhook never sent, data never published: failed final_event_missing after the deadline', async () => {
  const meeting = stack.sim.meetingBaas.create({ dataPublished: false });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('failed');
  expect(done.error).toEqual({
    code: 'final_event_missing',
    message: expect.stringMatching(/no final data within 8 s .*not published yet/),
  });
  expect(done.history.at(-1)).toMatchObject({ code: 'final_event_missing', source: 'timer', applied: true });
});

test('data published late: the API is asked again with backoff until it is there', async () => {
  const meeting = stack.sim.meetingBaas.create({ dataDelayMs: 4500, recordingBytes: 10_000 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  expect(done.recording?.status).toBe('archived');
});

test('a complete that arrives while reconciling wins; the same data found by the API is not applied twice', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
  await viewWhen(meeting.botId, (v) => v.history.some((h) => h.code === 'watchdog'));
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'final' });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  expect(done.history.filter((h) => h.code === 'complete' && h.applied)).toHaveLength(1);
});

test('a bot stuck in the waiting room past its timeout is reconciled: the provider says it failed', async () => {
  const meeting = stack.sim.meetingBaas.create({ outcome: 'failed', failureCode: 'TimeoutWaitingToStart' });
  const [joining, waiting] = stack.sim.meetingBaas.webhooks(meeting.botId, 'statuses');
  for (const body of [joining, waiting]) expect((await postJson(stack.webhookUrl, body)).status).toBe(200);
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('failed');
  expect(done.error?.code).toBe('TimeoutWaitingToStart');
  expect(done.history.at(-1)).toMatchObject({ code: 'failed', source: 'api', applied: true });
});

test('a meeting whose only event is complete (earlier webhooks lost) still ends completed', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'final' });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  expect(done.history.map((h) => h.code)).toEqual(['complete']);
});

describe('provider errors while reconciling', () => {
  test('429 with Retry-After: the next question waits as long as the provider asked', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    stack.sim.faults.add({ pathPrefix: '/bots/meeting_data', status: 429, retryAfterSeconds: 3, count: 1 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
    const done = await viewWhen(meeting.botId, final);
    expect(done.status).toBe('completed');
    const calls = stack.sim.faults.requestsTo('/bots/meeting_data');
    const limited = calls.findIndex((r) => r.faultStatus === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // The activity's own first retry would come after 1 s; Retry-After said 3.
    expect(calls[limited + 1]!.at - calls[limited]!.at).toBeGreaterThanOrEqual(2900);
  });

  test('a burst of 5xx is retried with backoff and the meeting completes', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    stack.sim.faults.add({ pathPrefix: '/bots/meeting_data', status: 503, count: 2 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
    const done = await viewWhen(meeting.botId, final);
    expect(done.status).toBe('completed');
  });

  test('401 from the API is not retried; the error is in the view and the meeting fails at the deadline', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    stack.sim.faults.add({ pathPrefix: '/bots/meeting_data', status: 401, count: 1 });
    const before = stack.sim.faults.requestsTo('/bots/meeting_data').length;
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'statuses' });
    const refused = await viewWhen(meeting.botId, (v) =>
      v.history.some((h) => h.code === 'reconcile_failed'),
    );
    expect(refused.history.find((h) => h.code === 'reconcile_failed')?.note).toMatch(/HTTP 401/);
    const done = await viewWhen(meeting.botId, final);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'final_event_missing', message: expect.stringMatching(/401/) });
    // Asked once: a rejected key is not asked again.
    expect(stack.sim.faults.requestsTo('/bots/meeting_data').length - before).toBe(1);
  });
});
