// A Meeting BaaS v1 meeting end to end: simulator -> API -> Temporal -> worker -> archive -> query.
import { createHash } from 'node:crypto';
import { MeetingStatusKey } from '../../contract/search-attributes';
import { meetingQuery } from '../../contract/workflow';
import { normalizedTranscriptSchema } from '../../domain/transcript';
import { meetingViewSchema, type MeetingView } from '../../domain/view';
import { testArchiveKind } from '../../dev/test-archive';
import { archivedNames } from '../helpers/archive';
import { eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function view(botId: string): Promise<{ status: number; body: MeetingView }> {
  const res = await stack.api(`/meetings/meetingbaas/${botId}`);
  return { status: res.status, body: (await res.json()) as MeetingView };
}

const viewWhen = (botId: string, done: (v: MeetingView) => boolean) =>
  eventually(
    async () => (await view(botId)).body,
    (v) => !!v && 'status' in v && done(v),
  );

test('the seed status sequence then complete: completed, recording and transcript archived', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 120, recordingBytes: 3 * 1024 * 1024 + 17 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
  expect(deliveries[0]!.body).toEqual({ workflowId: `meetingbaas:${meeting.botId}` });

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(meetingViewSchema.parse(done)).toEqual(done);
  expect(done.history.map((h) => [h.code, h.status, h.applied])).toEqual([
    ['joining_call', 'joining', true],
    ['in_waiting_room', 'waiting_room', true],
    ['in_call_not_recording', 'in_call', true],
    ['in_call_recording', 'recording', true],
    ['call_ended', 'ended', true],
    ['complete', 'collecting', true],
  ]);
  expect(done.startedAt).toBeDefined();
  expect(done.endedAt).toBeDefined();

  // The archived recording is byte for byte the file the provider served.
  const rec = done.recording!;
  expect(rec.status).toBe('archived');
  // In the store this run archives to (the jest project, or TEST_ARCHIVE).
  expect(rec.archive!.uri).toMatch(
    testArchiveKind() === 's3' ? /^s3:\/\/test-stacks\/stacks\// : /^file:\/\//,
  );
  const file = await stack.archive.read(rec.archive!);
  expect(file.length).toBe(meeting.recordingBytes);
  expect(createHash('sha256').update(file).digest('hex')).toBe(meeting.sha256);
  expect(rec.archive!.sha256).toBe(meeting.sha256);
  expect(rec.sourceUrlExpiresAt).toBeDefined();

  // The transcript: normalised utterances in the archive, only counts and names in the view.
  const tr = done.transcript!;
  expect(tr.status).toBe('archived');
  expect(tr.speakers).toEqual(['Alice', 'Bob']);
  const transcript = normalizedTranscriptSchema.parse(
    JSON.parse((await stack.archive.read(tr.archive!)).toString()),
  );
  expect(transcript.utterances).toHaveLength(tr.utterances!);
  expect(transcript.utterances.flatMap((u) => u.words ?? [])).toHaveLength(120);

  // Visible to operators through visibility, with the status as a search attribute.
  const listed = await eventually(
    async () => {
      const ids: string[] = [];
      for await (const wf of stack.client.workflow.list({
        query: `WorkflowId = 'meetingbaas:${meeting.botId}' AND MeetingStatus = 'completed' AND MeetingProvider = 'meetingbaas'`,
      })) {
        ids.push(wf.workflowId);
        expect(wf.typedSearchAttributes.get(MeetingStatusKey)).toBe('completed');
      }
      return ids;
    },
    (ids) => ids.length === 1,
  );
  expect(listed).toEqual([`meetingbaas:${meeting.botId}`]);
});

test('failed: status failed with the provider error code, nothing collected', async () => {
  const meeting = stack.sim.meetingBaas.create({ outcome: 'failed', failureCode: 'BotNotAccepted' });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);

  const done = await viewWhen(meeting.botId, (v) => v.status === 'failed');
  expect(done.error).toEqual({ code: 'BotNotAccepted', message: expect.stringContaining('refused') });
  expect(done.endReason).toBe('bot_rejected');
  expect(done.recording).toBeUndefined();
  expect(await archivedNames(stack.archive, `meetingbaas/${meeting.botId}`)).toEqual([]);
});

test('every webhook delivered twice: each recorded once, one archive', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 30 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, {
    webhookUrl: stack.webhookUrl,
    duplicate: true,
  });
  expect(deliveries).toHaveLength(12);
  expect(deliveries.every((d) => d.status === 200)).toBe(true);

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.history.map((h) => h.code)).toEqual([
    'joining_call',
    'in_waiting_room',
    'in_call_not_recording',
    'in_call_recording',
    'call_ended',
    'complete',
  ]);
  expect(await archivedNames(stack.archive, `meetingbaas/${meeting.botId}`)).toEqual([
    'recording.mp4',
    'transcript.json',
  ]);
  // The complete body was delivered twice and is stored once (content-addressed claim check).
  expect(await archivedNames(stack.archive, `inbox/meetingbaas/${meeting.botId}`)).toHaveLength(1);
});

test('out of order: the final event first, statuses after, still completed; stale statuses recorded, not applied', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 10 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, {
    webhookUrl: stack.webhookUrl,
    order: 'reverse',
  });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed' && v.history.length === 6);
  expect(done.history[0]).toMatchObject({ code: 'complete', status: 'collecting', applied: true });
  // Every status after `complete` is recorded but cannot move the meeting back from collecting.
  expect(done.history[1]).toMatchObject({ code: 'call_ended', applied: false });
  for (const entry of done.history.slice(1)) {
    expect(entry.applied).toBe(false);
    expect(entry.note).toBeDefined();
  }
  expect(done.endedAt).toBe(new Date(meeting.startedAtMs + 4 * 60_000).toISOString());
});

test('a status older than the current state is recorded with applied: false', async () => {
  const meeting = stack.sim.meetingBaas.create({});
  const [joining, waiting, inCall, recording] = stack.sim.meetingBaas.webhooks(meeting.botId, 'statuses');
  for (const body of [joining, inCall, recording, waiting]) {
    const res = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': 'test-meetingbaas-key' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  }
  const v = await viewWhen(meeting.botId, (x) => x.history.length === 4);
  expect(v.status).toBe('recording');
  expect(v.history[3]).toMatchObject({ code: 'in_waiting_room', status: 'recording', applied: false });
  expect(v.history[3]!.note).toMatch(/older than the current state/);
});

test('unknown status codes are accepted and recorded without moving the state', async () => {
  const botId = `unknown-code-${Date.now()}`;
  const post = (code: string, at: string) =>
    fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': 'test-meetingbaas-key' },
      body: JSON.stringify({
        event: 'bot.status_change',
        data: { bot_id: botId, status: { code, created_at: at } },
      }),
    });
  expect((await post('joining_call', '2024-01-01T12:00:00.000Z')).status).toBe(200);
  expect((await post('bot_teleported', '2024-01-01T12:01:00.000Z')).status).toBe(200);
  const v = await viewWhen(botId, (x) => x.history.length === 2);
  expect(v.status).toBe('joining');
  expect(v.history[1]).toMatchObject({ code: 'bot_teleported', applied: false });
});

test('a complete without a transcript: recording archived, transcript unavailable with a reason', async () => {
  const meeting = stack.sim.meetingBaas.create({ transcript: false });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording?.status).toBe('archived');
  expect(done.transcript).toEqual({ status: 'unavailable', reason: expect.stringMatching(/no transcript/) });
});

test('a recording on a host outside DOWNLOAD_ALLOWED_HOSTS is never fetched', async () => {
  const botId = `foreign-host-${Date.now()}`;
  const res = await fetch(stack.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': 'test-meetingbaas-key' },
    body: JSON.stringify({
      event: 'complete',
      data: { bot_id: botId, mp4: 'https://evil.example.net/x.mp4', speakers: [] },
    }),
  });
  expect(res.status).toBe(200);
  // A refusal for good (not retried), and with no transcript nothing at all is archived: failed no_assets.
  const done = await viewWhen(botId, (v) => v.status === 'completed' || v.status === 'failed');
  expect(done.recording).toMatchObject({
    status: 'unavailable',
    reason: expect.stringMatching(/DOWNLOAD_ALLOWED_HOSTS/),
  });
  expect(done.status).toBe('failed');
  expect(done.error?.code).toBe('no_assets');
});

test('the meeting query answers through a Temporal client too', async () => {
  const meeting = stack.sim.meetingBaas.create({ words: 5 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  await viewWhen(meeting.botId, (v) => v.status === 'completed');
  const v = await stack.client.workflow.getHandle(`meetingbaas:${meeting.botId}`).query(meetingQuery);
  expect(v.status).toBe('completed');
  expect(v.workflowId).toBe(`meetingbaas:${meeting.botId}`);
});

test('a slow download that outlasts the heartbeat timeout still completes (progress keeps it alive)', async () => {
  // 12 s at 16 KiB/s: longer than the 10 s heartbeat timeout, far less than a MiB.
  const meeting = stack.sim.meetingBaas.create({
    words: 5,
    recordingBytes: 192 * 1024,
    bytesPerSecond: 16 * 1024,
  });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await eventually(
    async () => (await view(meeting.botId)).body,
    (v) => v?.status === 'completed',
    40_000,
  );
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
}, 60_000);
