// POST /bots and DELETE /bots/:botId: a bot sent and removed through the service, against the simulator.
import { archivedNames } from '../helpers/archive';
import { bearer, eventually, postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  // Finished meetings stay open a while, as in production, so DELETE can reach them.
  stack = await startStack({ lingerSeconds: 60 });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const postBot = (body: unknown, headers: Record<string, string> = {}) =>
  postJson(`${stack.apiUrl}/bots`, body, { ...bearer(), ...headers });
let n = 0;
const meetingUrl = () => `https://meet.google.com/abc-defg-${Date.now()}${n++}`;

test('the same request sent three times sends one bot and answers the same bot id', async () => {
  const request = { meeting_url: meetingUrl(), bot_name: 'Notetaker' };
  const sentBefore = stack.sim.meetingBaas.bots.sent.length;
  const answers = [await postBot(request), await postBot(request), await postBot(request)];
  expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
  const botId = answers[0]!.body!.botId as string;
  expect(answers.map((a) => a.body!.botId)).toEqual([botId, botId, botId]);
  expect(answers[0]!.body!.workflowId).toBe(`meetingbaas:${botId}`);
  expect(stack.sim.meetingBaas.bots.sent.length - sentBefore).toBe(1);
  // The stored request (password, speech-to-text key) is deleted once sent; the resends' copies at once.
  expect(await archivedNames(stack.archive, 'requests/meetingbaas')).toEqual([]);
});

test('the bot reports to the service itself (PUBLIC_URL); a caller-chosen webhook_url is refused', async () => {
  const res = await postBot({ meeting_url: meetingUrl(), bot_name: 'Notetaker' });
  expect(res.status).toBe(201);
  const sent = stack.sim.meetingBaas.bots.sent.find((b) => b.botId === res.body!.botId);
  expect(sent?.webhookUrl).toBe(stack.webhookUrl);

  const sentBefore = stack.sim.meetingBaas.bots.sent.length;
  const hijack = await postBot({
    meeting_url: meetingUrl(),
    bot_name: 'Notetaker',
    webhook_url: 'https://attacker.example/collect',
  });
  expect(hijack.status).toBe(400);
  expect(hijack.body).toMatchObject({
    error: 'invalid_payload',
    issues: [{ path: 'webhook_url', message: expect.stringMatching(/set by the service/) }],
  });
  expect(stack.sim.meetingBaas.bots.sent.length).toBe(sentBefore);
});

test('concurrent retries with one Idempotency-Key send one bot', async () => {
  const request = { meeting_url: meetingUrl(), bot_name: 'Notetaker' };
  const sentBefore = stack.sim.meetingBaas.bots.sent.length;
  const headers = { 'idempotency-key': `req-${Date.now()}` };
  const answers = await Promise.all([postBot(request, headers), postBot(request, headers)]);
  expect(answers.map((a) => a.status)).toEqual([201, 201]);
  expect(answers[0].body!.botId).toBe(answers[1].body!.botId);
  expect(stack.sim.meetingBaas.bots.sent.length - sentBefore).toBe(1);
});

test('send, report, remove: the workflow asks the provider to remove the bot and then collects as usual', async () => {
  const res = await postBot({
    meeting_url: meetingUrl(),
    bot_name: 'Notetaker',
    automatic_leave: { waiting_room_timeout: 300 },
  });
  expect(res.status).toBe(201);
  const botId = res.body!.botId as string;
  const live = await viewWhen(
    botId,
    (v) => v.status === 'recording' && v.history.some((h) => h.code === 'bot_requested'),
  );
  // The request and the provider's first webhooks race; either order lands in this one workflow.
  expect(live.history.find((h) => h.code === 'bot_requested')).toMatchObject({
    source: 'api',
    note: expect.stringMatching(/Notetaker/),
  });

  const removed = await stack.api(`/bots/${botId}`, { method: 'DELETE' });
  expect(removed.status).toBe(202);
  expect(await removed.json()).toMatchObject({ workflowId: `meetingbaas:${botId}` });
  const done = await viewWhen(botId, (v) => v.status === 'completed');
  const codes = done.history.map((h) => h.code);
  expect(codes).toEqual(expect.arrayContaining(['bot_leave_requested', 'call_ended', 'complete']));
  expect(codes.indexOf('bot_leave_requested')).toBeLessThan(codes.indexOf('call_ended'));
  expect(done.recording?.status).toBe('archived');
  expect(stack.sim.faults.requestsTo(`/bots/${botId}`, 'DELETE')).toHaveLength(1);
});

test('webhooks that beat the start of the workflow land in the same meeting', async () => {
  // The simulator reports `joining_call` right after answering POST /bots/, racing the child workflow start.
  const res = await postBot({ meeting_url: meetingUrl(), bot_name: 'Racer' });
  const botId = res.body!.botId as string;
  const v = await viewWhen(botId, (x) => x.history.length >= 5);
  expect(v.workflowId).toBe(`meetingbaas:${botId}`);
  expect(v.history.map((h) => h.code)).toEqual(
    expect.arrayContaining(['bot_requested', 'joining_call', 'in_call_recording']),
  );
});

test('429 with Retry-After from POST /bots/ is waited out and the bot is sent', async () => {
  stack.sim.faults.add({ method: 'POST', pathPrefix: '/bots/', status: 429, retryAfterSeconds: 2, count: 1 });
  const res = await postBot({ meeting_url: meetingUrl(), bot_name: 'Patient' });
  expect(res.status).toBe(201);
  const calls = stack.sim.faults.requestsTo('/bots/', 'POST').slice(-2);
  expect(calls[0]!.faultStatus).toBe(429);
  expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
});

test('DELETE once the call is over is accepted but asks the provider nothing', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 1000 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  await viewWhen(meeting.botId, (v) => v.status === 'completed');
  const res = await stack.api(`/bots/${meeting.botId}`, { method: 'DELETE' });
  expect(res.status).toBe(202);
  // A query after the signal sees its effect: the handler ran, and it left no trace and made no call.
  const v = await viewWhen(meeting.botId, () => true);
  expect(v.history.map((h) => h.code)).not.toContain('bot_leave_requested');
  expect(stack.sim.faults.requestsTo(`/bots/${meeting.botId}`, 'DELETE')).toHaveLength(0);
});

describe('refusals', () => {
  test('an invalid request: 400 with the issues, nothing sent', async () => {
    const sentBefore = stack.sim.meetingBaas.bots.sent.length;
    const res = await postBot({ meeting_url: 'not a url', bot_name: '', surprise: true });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_payload' });
    const paths = (res.body!.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['meeting_url', 'bot_name']));
    expect(stack.sim.meetingBaas.bots.sent.length).toBe(sentBefore);
  });

  test('a bad Idempotency-Key header: 400', async () => {
    const res = await postBot({ meeting_url: meetingUrl(), bot_name: 'x' }, { 'idempotency-key': 'a b' });
    expect(res.status).toBe(400);
  });

  test('the provider refuses (a second bot to the same meeting): 422 provider_rejected with its reason', async () => {
    const url = meetingUrl();
    expect((await postBot({ meeting_url: url, bot_name: 'First' })).status).toBe(201);
    const second = await postBot({ meeting_url: url, bot_name: 'Second' });
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({ error: 'provider_rejected', message: expect.stringMatching(/409/) });
    // A refused request is not kept either.
    expect(await archivedNames(stack.archive, 'requests/meetingbaas')).toEqual([]);
  });

  test('DELETE of an unknown bot: 404; of an invalid id: 400', async () => {
    expect((await stack.api(`/bots/nobody-${Date.now()}`, { method: 'DELETE' })).status).toBe(404);
    expect((await stack.api(`/bots/${'x'.repeat(300)}`, { method: 'DELETE' })).status).toBe(400);
  });
});

describe('a provider slower than BOT_REQUEST_TIMEOUT_MS', () => {
  let slow: Stack;
  beforeAll(async () => {
    slow = await startStack({ botRequestTimeoutMs: 500 });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  test('202 with the request id; the request goes on, and resending it answers the bot id', async () => {
    slow.sim.faults.add({ method: 'POST', pathPrefix: '/bots/', status: 503, count: 2 });
    const request = { meeting_url: meetingUrl(), bot_name: 'Slowpoke' };
    const first = await postJson(`${slow.apiUrl}/bots`, request, bearer());
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ requestId: expect.stringMatching(/^meetingbaas-bot-request:body:/) });
    const later = await eventually(
      () => postJson(`${slow.apiUrl}/bots`, request, bearer()),
      (r) => r.status === 201,
    );
    expect(later.body).toMatchObject({ requestId: first.body!.requestId, botId: expect.any(String) });
    expect(slow.sim.meetingBaas.bots.sent).toHaveLength(1);
  });
});
