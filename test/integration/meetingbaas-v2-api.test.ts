// A worker configured for Meeting BaaS's v2 REST API: bots sent and removed through /v2/bots, a missing
// `bot.completed` reconciled through GET /v2/bots/{id}, expired v2 artifact URLs refreshed the same way.
import type { MeetingView } from '../../domain/view';
import { bearer, eventually, postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    apiVersion: 'v2',
    watchdog: { finalDataTimeoutSeconds: 1, finalDataDeadlineSeconds: 10, reconcileIntervalSeconds: 1 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const final = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';

test('v2 statuses without bot.completed: completed through GET /v2/bots/{id}, transcript included', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 24, recordingBytes: 40_000 });
  const deliveries = await stack.sim.meetingBaasV2.play(meeting.botId, {
    webhookUrl: stack.webhookUrl,
    include: 'statuses',
  });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  expect(done.history.at(-1)).toMatchObject({ code: 'bot.completed', source: 'api', applied: true });
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  expect(done.transcript).toMatchObject({ status: 'archived', speakers: ['Alice', 'Bob'] });
  expect(stack.sim.faults.requestsTo(`/v2/bots/${meeting.botId}`).length).toBeGreaterThan(0);
});

test('a v2 bot.completed whose URLs have expired: both refreshed through GET /v2/bots/{id}', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 10, recordingBytes: 30_000, urlExpiresSeconds: 0 });
  await stack.sim.meetingBaasV2.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, final);
  expect(done.status).toBe('completed');
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  expect(done.transcript?.status).toBe('archived');
});

test('POST /bots and DELETE /bots/:botId go to /v2/bots and /v2/bots/{id}/leave', async () => {
  const res = await postJson(
    `${stack.apiUrl}/bots`,
    {
      meeting_url: `https://meet.google.com/v2-${Date.now()}`,
      bot_name: 'Notetaker',
      automatic_leave: { waiting_room_timeout: 120 },
    },
    bearer(),
  );
  expect(res.status).toBe(201);
  const botId = res.body!.botId as string;
  expect(stack.sim.faults.requestsTo('/v2/bots', 'POST').filter((r) => r.path === '/v2/bots')).toHaveLength(
    1,
  );
  await viewWhen(botId, (v) => v.history.some((h) => h.code === 'bot_requested'));

  expect((await stack.api(`/bots/${botId}`, { method: 'DELETE' })).status).toBe(202);
  await eventually(
    () => Promise.resolve(stack.sim.faults.requestsTo(`/v2/bots/${botId}/leave`, 'POST').length),
    (n) => n === 1,
  );
  const done = await viewWhen(botId, (v) => v.history.some((h) => h.code === 'bot_leave_requested'));
  expect(done.history.find((h) => h.code === 'bot_leave_requested')).toMatchObject({ source: 'api' });
});
