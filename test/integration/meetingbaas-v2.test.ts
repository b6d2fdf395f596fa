// Meeting BaaS v2 end to end: Svix-signed webhooks from the simulator -> API -> Temporal -> worker ->
// archive, every refusal of the signed route, and the simulator's v2 checked against the official SDK.
import { createBaasClient, V2Zod, type V2 } from '@meeting-baas/sdk';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MeetingBaasClient } from '../../activities/meetingbaas/client';
import {
  meetingBaasTranscriptActivities,
  type ArchivedTranscript,
  type ArchiveTranscriptInput,
} from '../../activities/meetingbaas/transcript';
import { v2TranscriptionSchema } from '../../domain/meetingbaas/v2-transcription';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { normalizedTranscriptSchema } from '../../domain/transcript';
import type { MeetingView } from '../../domain/view';
import {
  v2BotDetails,
  v2CompletedWebhook,
  v2FailedWebhook,
  v2StatusWebhooks,
} from '../../simulator/meetingbaas/v2-bodies';
import { archivedNames } from '../helpers/archive';
import { API_KEY, eventually, postJson, startStack, type Stack } from '../helpers/stack';

const OPENAPI = path.resolve(__dirname, '../fixtures/reference/meetingbaas-openapi-v2.schemas.json');
const HOUR = 3600_000;

let stack: Stack;
beforeAll(async () => {
  // Finished meetings stay open a while, so that deliveries after the end (bot.failed after the failed
  // status, redeliveries) are recorded in their history rather than answered "closed".
  stack = await startStack({ lingerSeconds: 60 });
});
afterAll(async () => {
  await stack?.stop();
});

const v2 = () => stack.sim.meetingBaasV2;

async function view(botId: string): Promise<{ status: number; body: MeetingView }> {
  const res = await stack.api(`/meetings/meetingbaas/${botId}`);
  return { status: res.status, body: (await res.json()) as MeetingView };
}

const viewWhen = (botId: string, done: (v: MeetingView) => boolean) =>
  eventually(
    async () => (await view(botId)).body,
    (v) => !!v && 'status' in v && done(v),
  );

describe('a v2 meeting through signed webhooks', () => {
  test('statuses then bot.completed: completed, recording and transcript archived', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 90, recordingBytes: 2 * 1024 * 1024 + 5 });
    const deliveries = await v2().play(meeting.botId, { webhookUrl: stack.webhookUrl });
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
    expect(new Set(deliveries.map((d) => d.svixId)).size).toBe(deliveries.length);

    const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
    expect(done.history.map((h) => [h.code, h.status, h.applied])).toEqual([
      ['queued', 'scheduled', true],
      ['joining_call', 'joining', true],
      ['in_waiting_room', 'waiting_room', true],
      ['in_call_not_recording', 'in_call', true],
      ['in_call_recording', 'recording', true],
      ['call_ended', 'ended', true],
      // The call is already over: recorded, nothing to move.
      ['recording_succeeded', 'ended', false],
      ['transcribing', 'ended', false],
      ['completed', 'ended', false],
      ['bot.completed', 'collecting', true],
    ]);
    expect(done.endedAt).toBe(new Date(meeting.startedAtMs + 5 * 60_000).toISOString());

    const rec = done.recording!;
    expect(rec.status).toBe('archived');
    expect(rec.archive!.sha256).toBe(meeting.sha256);
    const file = await stack.archive.read(rec.archive!);
    expect(createHash('sha256').update(file).digest('hex')).toBe(meeting.sha256);
    // v2 artifact URLs live 4 hours.
    expect(Date.parse(rec.sourceUrlExpiresAt!) - Date.now()).toBeGreaterThan(3.9 * HOUR);

    const tr = done.transcript!;
    expect(tr.status).toBe('archived');
    expect(tr.speakers).toEqual(['Alice', 'Bob']);
    const transcript = normalizedTranscriptSchema.parse(
      JSON.parse((await stack.archive.read(tr.archive!)).toString()),
    );
    expect(transcript.utterances).toHaveLength(tr.utterances!);
    expect(transcript.utterances.flatMap((u) => u.words ?? [])).toHaveLength(90);
  });

  test('every message delivered twice with the same svix-id: recorded once, stored once', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 20 });
    const deliveries = await v2().play(meeting.botId, { webhookUrl: stack.webhookUrl, duplicate: true });
    expect(deliveries).toHaveLength(20);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(deliveries[0]!.svixId).toBe(deliveries[1]!.svixId);

    const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
    expect(done.history).toHaveLength(10);
    expect(new Set(done.history.map((h) => h.code)).size).toBe(10);
    expect(await archivedNames(stack.archive, `inbox/meetingbaas/${meeting.botId}`)).toHaveLength(1);
  });

  test('the same event in two Svix messages (two svix-ids) is two deliveries', async () => {
    const meeting = stack.sim.meetingBaas.create({});
    const [queued] = v2().webhooks(meeting.botId, 'statuses');
    expect((await v2().send(stack.webhookUrl, queued!)).status).toBe(200);
    expect((await v2().send(stack.webhookUrl, queued!)).status).toBe(200);
    const v = await viewWhen(meeting.botId, (x) => x.history.length === 2);
    expect(v.history.map((h) => h.code)).toEqual(['queued', 'queued']);
  });

  test('a failed bot: statuses then bot.failed -> failed, nothing collected', async () => {
    const meeting = stack.sim.meetingBaas.create({ outcome: 'failed', failureCode: 'BotNotAccepted' });
    const deliveries = await v2().play(meeting.botId, { webhookUrl: stack.webhookUrl });
    expect(deliveries.every((d) => d.status === 200)).toBe(true);

    const done = await viewWhen(meeting.botId, (v) => v.status === 'failed' && v.history.length === 7);
    expect(done.endReason).toBe('bot_rejected');
    expect(done.history.map((h) => h.code)).toEqual([
      'queued',
      'joining_call',
      'in_waiting_room',
      'bot_rejected',
      'recording_failed',
      'failed',
      'bot.failed',
    ]);
    expect(done.recording).toBeUndefined();
    expect(await archivedNames(stack.archive, `meetingbaas/${meeting.botId}`)).toEqual([]);
  });

  test('bot.failed alone: failed with the provider error code', async () => {
    const meeting = stack.sim.meetingBaas.create({ outcome: 'failed', failureCode: 'TimeoutWaitingToStart' });
    await v2().play(meeting.botId, { webhookUrl: stack.webhookUrl, include: 'final' });
    const done = await viewWhen(meeting.botId, (v) => v.status === 'failed');
    expect(done.error).toEqual({
      code: 'TIMEOUT_WAITING_TO_START',
      message: 'Bot was not accepted into the meeting',
    });
  });

  test('play through the control API with {"version": "v2"}', async () => {
    const meeting = stack.sim.meetingBaas.create({ transcript: false });
    const res = await fetch(`${stack.sim.url}/sim/meetingbaas/meetings/${meeting.botId}/play`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 'v2', webhookUrl: stack.webhookUrl }),
    });
    expect(res.status).toBe(200);
    const { deliveries } = (await res.json()) as { deliveries: Array<{ status: number; svixId: string }> };
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 200 && d.svixId.startsWith('msg_'))).toBe(true);
    const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
    expect(done.recording?.status).toBe('archived');
    expect(done.transcript).toEqual({
      status: 'unavailable',
      reason: expect.stringMatching(/no transcript/),
    });
  });
});

describe('the signed route refuses', () => {
  const body = (botId: string) => ({
    event: 'bot.status_change',
    data: { bot_id: botId, event_id: null, status: { code: 'queued', created_at: new Date().toISOString() } },
    extra: null,
  });

  async function expectNoMeeting(botId: string) {
    expect((await view(botId)).status).toBe(404);
  }

  test.each([
    ['a bad signature', { signature: 'bad' as const }, /does not match/],
    [
      'another secret',
      { secret: `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}` },
      /does not match/,
    ],
    ['a stale timestamp', { timestamp: 'stale' as const }, /more than 5 minutes old/],
    ['a timestamp in the future', { timestamp: 'future' as const }, /in the future/],
  ])('%s: 401 unauthorized, nothing delivered', async (_name, opts, message) => {
    const botId = `refused-${Math.random().toString(36).slice(2)}`;
    const d = await v2().send(stack.webhookUrl, body(botId), opts);
    expect(d.status).toBe(401);
    expect(d.body).toEqual({ error: 'unauthorized', message: expect.stringMatching(message) });
    await expectNoMeeting(botId);
  });

  test('a body altered after signing: 401', async () => {
    const botId = `altered-${Date.now()}`;
    const signed = JSON.stringify(body(botId));
    const headers = v2().svixHeaders('msg_altered', signed);
    const res = await postJson(stack.webhookUrl, signed.replace('queued', 'joining_call'), headers);
    expect(res.status).toBe(401);
    await expectNoMeeting(botId);
  });

  test('one Svix header missing: 401 naming it', async () => {
    const payload = JSON.stringify(body('missing-header'));
    const headers = v2().svixHeaders('msg_1', payload);
    delete headers['svix-signature'];
    const res = await postJson(stack.webhookUrl, payload, headers);
    expect(res.status).toBe(401);
    expect(res.body!.message).toMatch(/svix-signature/);
  });

  test('neither an API key nor a signature: 401 saying what is expected', async () => {
    const res = await postJson(stack.webhookUrl, body('no-credentials'), {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'unauthorized',
      message: expect.stringMatching(/x-meeting-baas-api-key.*svix-id/),
    });
  });

  test('a valid v1 API key with a bad v2 signature: the signature decides', async () => {
    const payload = JSON.stringify(body('both-headers'));
    const headers = {
      ...v2().svixHeaders('msg_both', payload, { signature: 'bad' }),
      'x-meeting-baas-api-key': API_KEY,
    };
    expect((await postJson(stack.webhookUrl, payload, headers)).status).toBe(401);
  });

  test.each([
    ['bot.chat_message', { event: 'bot.chat_message', data: { bot_id: 'b1', text: 'hi' } }],
    ['calendar.event_created', { event: 'calendar.event_created', data: { calendar_id: 'c1' } }],
  ])('%s (signed): 202 ignored', async (_name, b) => {
    const d = await v2().send(stack.webhookUrl, b);
    expect(d.status).toBe(202);
    expect(d.body).toEqual({ ignored: true });
  });

  test.each([
    ['no event', { data: {} }],
    [
      'a status without a timestamp',
      { event: 'bot.status_change', data: { bot_id: 'b1', status: { code: 'queued' } } },
    ],
    ['bot.completed with a bad video URL', { event: 'bot.completed', data: { bot_id: 'b1', video: 'nope' } }],
    ['bot.failed without error_code', { event: 'bot.failed', data: { bot_id: 'b1' } }],
  ])('%s (signed): 400 invalid_payload with the issues', async (_name, b) => {
    const d = await v2().send(stack.webhookUrl, b);
    expect(d.status).toBe(400);
    expect(d.body).toMatchObject({ error: 'invalid_payload', issues: expect.any(Array) });
  });

  test('malformed JSON (signed): 400 invalid_json', async () => {
    const payload = '{"event": "bot.completed", "data": {';
    const res = await postJson(stack.webhookUrl, payload, v2().svixHeaders('msg_json', payload));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_json' });
  });
});

describe('without MEETINGBAAS_WEBHOOK_SECRET', () => {
  let bare: Stack;
  beforeAll(async () => {
    bare = await startStack({ worker: false, webhookSecret: null });
  });
  afterAll(async () => {
    await bare?.stop();
  });

  test('a signed v2 webhook: 401', async () => {
    const meeting = bare.sim.meetingBaas.create({});
    const [d] = await bare.sim.meetingBaasV2.play(meeting.botId, {
      webhookUrl: bare.webhookUrl,
      include: 'final',
    });
    expect(d!.status).toBe(401);
    expect(d!.body).toEqual({
      error: 'unauthorized',
      message: 'v2 webhooks are not accepted: no MEETINGBAAS_WEBHOOK_SECRET',
    });
  });
});

describe('the transcript activity on a v2 bot.completed', () => {
  // The failures below are expected: keep them out of the test output.
  const silentLogger = new DefaultLogger('ERROR', () => undefined);
  async function run(
    botId: string,
    allowedHosts: string[],
    freshTranscriptionUrl?: (botId: string) => Promise<string>,
  ) {
    const body = JSON.stringify(v2().webhooks(botId, 'final')[0]);
    const payloadRef = await stack.archive.putContentAddressed(
      `inbox/meetingbaas/${botId}`,
      Buffer.from(body),
      '.json',
    );
    const activities = meetingBaasTranscriptActivities({
      archive: stack.archive,
      allowedHosts,
      freshTranscriptionUrl,
    });
    const input: ArchiveTranscriptInput = { botId, payloadRef };
    const result: ArchivedTranscript = await new MockActivityEnvironment(undefined, {
      logger: silentLogger,
    }).run((i: ArchiveTranscriptInput) => activities.archiveMeetingBaasTranscript(i), input);
    return result;
  }

  test('downloads and archives the transcription file', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 33, speakers: ['Ann', 'Ben', 'Cid'] });
    const result = await run(meeting.botId, stack.allowedHosts);
    expect(result.speakers).toEqual(['Ann', 'Ben', 'Cid']);
    const transcript = normalizedTranscriptSchema.parse(
      JSON.parse((await stack.archive.read(result.archive)).toString()),
    );
    expect(transcript.utterances.flatMap((u) => u.words ?? [])).toHaveLength(33);
  });

  test('an expired transcription URL is replaced through GET /v2/bots/{id} and archived', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 12, urlExpiresSeconds: 0 });
    const client = new MeetingBaasClient({ ...stack.meetingBaas, apiVersion: 'v2' });
    const before = stack.sim.faults.requestsTo(`/v2/bots/${meeting.botId}`).length;
    const result = await run(meeting.botId, stack.allowedHosts, (id) => client.transcriptionUrl(id));
    expect(result.utterances).toBeGreaterThan(0);
    expect(stack.sim.faults.requestsTo(`/v2/bots/${meeting.botId}`).length).toBe(before + 1);
  });

  test('an expired transcription URL and no way to refresh: retryable UrlExpired', async () => {
    const meeting = stack.sim.meetingBaas.create({ urlExpiresSeconds: 0 });
    const err = await run(meeting.botId, stack.allowedHosts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'UrlExpired', nonRetryable: false });
  });

  test('heartbeats while it works, so a dead worker is noticed in seconds (not at the 5-minute timeout)', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 5, urlExpiresSeconds: 0 });
    const client = new MeetingBaasClient({ ...stack.meetingBaas, apiVersion: 'v2' });
    const body = JSON.stringify(v2().webhooks(meeting.botId, 'final')[0]);
    const payloadRef = await stack.archive.putContentAddressed(
      `inbox/meetingbaas/${meeting.botId}`,
      Buffer.from(body),
      '.json',
    );
    const activities = meetingBaasTranscriptActivities({
      archive: stack.archive,
      allowedHosts: stack.allowedHosts,
      // A slow provider: the refreshed URL takes 600 ms to come.
      freshTranscriptionUrl: async (id) => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return client.transcriptionUrl(id);
      },
      heartbeatEveryMs: 100,
    });
    const env = new MockActivityEnvironment(undefined, { logger: silentLogger });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const result: ArchivedTranscript = await env.run(
      (i: ArchiveTranscriptInput) => activities.archiveMeetingBaasTranscript(i),
      {
        botId: meeting.botId,
        payloadRef,
      },
    );
    expect(result.utterances).toBeGreaterThan(0);
    // One at the start, then one every 100 ms of the 600 ms wait (a loaded machine may lose a few).
    expect(beats).toBeGreaterThanOrEqual(4);
    const afterwards = beats;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(beats).toBe(afterwards); // the beats stop with the work
  });

  test('a host outside DOWNLOAD_ALLOWED_HOSTS is never fetched', async () => {
    const meeting = stack.sim.meetingBaas.create({});
    const err = await run(meeting.botId, ['*.amazonaws.com']).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'DownloadHostNotAllowed', nonRetryable: true });
  });
});

describe('the simulator speaks v2 as the SDK and the OpenAPI say', () => {
  const openapi = JSON.parse(fs.readFileSync(OPENAPI, 'utf8')) as {
    components: { schemas: Record<string, Parameters<typeof z.fromJSONSchema>[0]> };
  };
  // The OpenAPI schemas are strict (additionalProperties: false): no field the provider does not send.
  const spec = (name: string) => z.fromJSONSchema(openapi.components.schemas[name]!);

  test.each([
    ['complete', {}],
    ['complete', { transcript: false, pause: true }],
    ['failed', {}],
  ] as const)('the %s webhooks (%j) match the OpenAPI schemas and the SDK types', (outcome, extra) => {
    const m = stack.sim.meetingBaas.create({ outcome, ...extra });
    const urls = v2().artifactUrls(m);
    // Compile-time oracle: the SDK's own types accept the bodies (checked by `tsc`).
    const statuses: V2.BotWebhookStatusChange[] = v2StatusWebhooks(m);
    const final: V2.BotWebhookCompleted | V2.BotWebhookFailed =
      outcome === 'complete' ? v2CompletedWebhook(m, urls) : v2FailedWebhook(m);
    for (const s of statuses) expect(spec('BotWebhookStatusChange').safeParse(s).error).toBeUndefined();
    const schema = outcome === 'complete' ? 'BotWebhookCompleted' : 'BotWebhookFailed';
    expect(spec(schema).safeParse(final).error).toBeUndefined();
  });

  test('GET /v2/bots/{id} answers the SDK client with a body its schema and the OpenAPI accept', async () => {
    const meeting = stack.sim.meetingBaas.create({ words: 12, recordingBytes: 1000 });
    const client = createBaasClient({ api_key: API_KEY, api_version: 'v2', base_url: stack.sim.url });
    const result = await client.getBotDetails({ bot_id: meeting.botId });
    if (!result.success) throw new Error(JSON.stringify(result));
    const details = V2Zod.getBotDetailsResponse.parse(result);
    expect(spec('GetBotDetailsResponse').safeParse(result).error).toBeUndefined();
    const typed: V2.GetBotDetailsResponse = v2BotDetails(meeting, 'done', v2().artifactUrls(meeting));
    expect(typed.data.status).toBe('completed');

    expect(details.data.bot_id).toBe(meeting.botId);
    expect(details.data.status).toBe('completed');
    // Both artifacts behind presigned URLs good for 4 hours, serving the recording and the transcription.
    for (const url of [details.data.video!, details.data.transcription!]) {
      expect(Date.parse(presignedUrlExpiry(url)!) - Date.now()).toBeGreaterThan(3.9 * HOUR);
    }
    expect((await (await fetch(details.data.video!)).arrayBuffer()).byteLength).toBe(1000);
    const transcription = v2TranscriptionSchema.parse(
      await (await fetch(details.data.transcription!)).json(),
    );
    expect(transcription.result.utterances.flatMap((u) => u.words)).toHaveLength(12);
  });

  test('GET /v2/bots/{id}: a failed bot, an unknown bot, a wrong key', async () => {
    const failed = stack.sim.meetingBaas.create({ outcome: 'failed' });
    const client = createBaasClient({ api_key: API_KEY, api_version: 'v2', base_url: stack.sim.url });
    const answer = V2Zod.getBotDetailsResponse.parse(await client.getBotDetails({ bot_id: failed.botId }));
    expect(answer.data).toMatchObject({ status: 'failed', error_code: 'BOT_NOT_ACCEPTED', video: null });

    const unknown = await client.getBotDetails({ bot_id: '3f2b9a4e-0000-4000-8000-000000000000' });
    expect(unknown).toMatchObject({ success: false, statusCode: 404 });
    const wrongKey = createBaasClient({ api_key: 'nope', api_version: 'v2', base_url: stack.sim.url });
    expect(await wrongKey.getBotDetails({ bot_id: failed.botId })).toMatchObject({
      success: false,
      statusCode: 401,
    });
  });

  test('transcription URLs: 403 once expired, 403 when tampered with', async () => {
    const meeting = stack.sim.meetingBaas.create({});
    const expired = v2().transcriptionUrl(meeting.botId, 0);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Request has expired/);
    const tampered = v2()
      .transcriptionUrl(meeting.botId, 60)
      .replace('X-Amz-Expires=60', 'X-Amz-Expires=99999');
    expect((await fetch(tampered)).status).toBe(403);
  });
});
