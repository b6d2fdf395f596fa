// Webex meetings end to end: signed webhooks into the API, one workflow per meeting instance on the real
// dev server, recordings, transcript and participants collected from the simulator over HTTP.
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MeetingView } from '../../domain/view';
import { eventually, startStack, viewWhenOn, WEBEX_WEBHOOK_SECRET, type Stack } from '../helpers/stack';

const seedBody = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/webex/meeting-ended.json'), 'utf8'),
) as { data: { id: string } & Record<string, unknown> } & Record<string, unknown>;
const SEED_INSTANCE = seedBody.data.id;

// Short pauses between looks and a short deadline, so that "never published" ends within the test.
const FAST = { pollIntervalSeconds: 1, maxPollIntervalSeconds: 2, assetDeadlineSeconds: 12 };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ webex: FAST, lingerSeconds: 60 });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack, 'webex');
const final = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const requests = (prefix: string, meetingId?: string) =>
  stack.sim.faults
    .requestsTo(`/webex/v1${prefix}`, 'GET')
    .filter((r) => !meetingId || decodeURIComponent(r.query).includes(meetingId));

async function postSigned(url: string, body: unknown) {
  const raw = JSON.stringify(body);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-spark-signature': createHmac('sha1', WEBEX_WEBHOOK_SECRET).update(raw).digest('hex'),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const ended = (s: Stack, meetingId: string) =>
  s.sim.webex.sendWebhook(meetingId, 'meetings', 'ended', s.webexWebhookUrl);

test("the seed's ended payload: completed with 2 recordings, VTT/TXT/JSON transcript and 250 participants", async () => {
  const meeting = stack.sim.webex.addMeeting({
    meetingId: SEED_INSTANCE,
    recordings: [{ bytes: 300_000 }, { bytes: 120_000, durationSeconds: 30 }],
    participants: 250,
    snippets: 20,
  });
  const res = await postSigned(stack.webexWebhookUrl, seedBody);
  expect(res).toEqual({ status: 200, body: { workflowId: `webex:${SEED_INSTANCE}` } });

  const view = await viewWhen(SEED_INSTANCE, final);
  expect(view.status).toBe('completed');
  expect(view.error).toBeUndefined();
  expect(view.endedAt).toBe('2021-05-14T20:26:54.000Z');
  expect(view.history.map((h) => [h.code, h.status, h.applied])).toEqual([
    ['meetings.ended', 'ended', true],
    ['collect_assets', 'collecting', true],
  ]);

  // Every recording file archived whole, byte for byte.
  expect(view.recording?.status).toBe('archived');
  expect(view.recording?.durationSeconds).toBe(90);
  expect(view.recording?.parts).toHaveLength(2);
  for (const [i, expected] of meeting.recordings.entries()) {
    const part = view.recording!.parts![i]!;
    expect(part).toMatchObject({ id: expected.id, status: 'archived' });
    expect(part.archive).toMatchObject({ bytes: expected.bytes, sha256: expected.sha256 });
    expect(sha256(await stack.archive.read(part.archive!))).toBe(expected.sha256);
  }
  expect(view.recording?.archive).toEqual(view.recording?.parts?.[0]?.archive);

  // The transcript: the provider's VTT and TXT as they came, and the normalised JSON.
  const transcript = view.transcript!;
  expect(transcript.status).toBe('archived');
  const vtt = (await stack.archive.read(transcript.files!.vtt!)).toString();
  const txt = (await stack.archive.read(transcript.files!.txt!)).toString();
  const normalized = JSON.parse((await stack.archive.read(transcript.archive!)).toString());
  expect(vtt.startsWith('WEBVTT')).toBe(true);
  expect(normalized.utterances.length).toBe(transcript.utterances);
  expect(transcript.utterances).toBeGreaterThan(0);
  expect(normalized.speakers).toEqual(transcript.speakers);
  for (const u of normalized.utterances) {
    expect(vtt).toContain(u.words?.[0]?.text ?? u.text.split(' ')[0]);
    expect(txt).toContain(u.speaker);
  }

  // Participants: 250 over three pages of 100, archived with their devices.
  expect(view.participants).toMatchObject({ status: 'archived', count: 250 });
  const people = JSON.parse((await stack.archive.read(view.participants!.archive!)).toString());
  expect(people.participants).toHaveLength(250);
  expect(new Set(people.participants.map((p: { id: string }) => p.id)).size).toBe(250);
  expect(people.participants[0]).toMatchObject({
    joinedTime: expect.any(String),
    leftTime: expect.any(String),
    devices: expect.any(Array),
  });
  expect(requests('/meetingParticipants', SEED_INSTANCE)).toHaveLength(3);
});

test('recordings that appear only after three empty answers are collected on the fourth look', async () => {
  const meeting = stack.sim.webex.addMeeting({ recordingsAfterListings: 3 });
  expect((await ended(stack, meeting.meetingId)).status).toBe(200);
  const view = await viewWhen(meeting.meetingId, final);
  expect(view.status).toBe('completed');
  expect(view.recording?.archive).toMatchObject({ sha256: meeting.recordings[0]!.sha256 });
  const looks = requests('/recordings', meeting.meetingId).filter((r) => r.path === '/webex/v1/recordings');
  expect(looks).toHaveLength(4);
  // Backoff between the looks: each pause at least as long as the one before.
  const gaps = looks.slice(1).map((r, i) => r.at - looks[i]!.at);
  expect(gaps[0]).toBeGreaterThanOrEqual(900);
  expect(gaps[2]).toBeGreaterThanOrEqual(1900);
});

test('an expired direct download link is replaced by a fresh one from GET /recordings/{id}', async () => {
  const meeting = stack.sim.webex.addMeeting({ expiredLinks: 1, recordings: [{ bytes: 200_000 }] });
  await ended(stack, meeting.meetingId);
  const view = await viewWhen(meeting.meetingId, final);
  expect(view.status).toBe('completed');
  expect(view.recording?.archive).toMatchObject({ bytes: 200_000, sha256: meeting.recordings[0]!.sha256 });
  const recordingId = meeting.recordings[0]!.id;
  expect(requests(`/recordings/${recordingId}`)).toHaveLength(2);
});

test('a 429 with Retry-After: 1 is honoured before the next call', async () => {
  const meeting = stack.sim.webex.addMeeting({});
  stack.sim.faults.add({
    method: 'GET',
    pathPrefix: '/webex/v1/meetingParticipants',
    status: 429,
    retryAfterSeconds: 1,
    count: 1,
  });
  await ended(stack, meeting.meetingId);
  const view = await viewWhen(meeting.meetingId, final);
  expect(view.status).toBe('completed');
  expect(view.participants).toMatchObject({ status: 'archived', count: 5 });
  const calls = requests('/meetingParticipants', meeting.meetingId);
  expect(calls[0]!.faultStatus).toBe(429);
  expect(calls[1]!.faultStatus).toBeUndefined();
  expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
});

test('a transcript that is never published: completed, transcript unavailable with the likely cause', async () => {
  const meeting = stack.sim.webex.addMeeting({ transcript: false });
  await ended(stack, meeting.meetingId);
  const view = await viewWhen(meeting.meetingId, final, 60_000);
  expect(view.status).toBe('completed');
  expect(view.recording?.status).toBe('archived');
  expect(view.participants?.status).toBe('archived');
  expect(view.transcript?.status).toBe('unavailable');
  expect(view.transcript?.reason).toMatch(/Webex Assistant or closed captions/);
  expect(requests('/meetingTranscripts', meeting.meetingId).length).toBeGreaterThan(2);
});

test('the same webhook delivered twice is recorded once; a recording notification during collection is recorded', async () => {
  const meeting = stack.sim.webex.addMeeting({ recordingsAfterListings: 2 });
  await ended(stack, meeting.meetingId);
  await ended(stack, meeting.meetingId);
  await stack.sim.webex.sendWebhook(meeting.meetingId, 'recordings', 'created', stack.webexWebhookUrl);
  const view = await viewWhen(meeting.meetingId, final);
  expect(view.status).toBe('completed');
  const codes = view.history.map((h) => h.code);
  expect(codes.filter((c) => c === 'meetings.ended')).toHaveLength(1);
  expect(codes).toContain('recordings.created');
});

test('POST .../recording-url gives a Webex direct link valid for 10+ minutes that downloads the recording', async () => {
  const meeting = stack.sim.webex.addMeeting({ recordings: [{ bytes: 50_000 }] });
  await ended(stack, meeting.meetingId);
  await viewWhen(meeting.meetingId, final);
  const res = await stack.api(`/meetings/webex/${meeting.meetingId}/recording-url`, {
    method: 'POST',
  });
  expect(res.status).toBe(200);
  const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
  expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(10 * 60_000);
  const file = Buffer.from(await (await fetch(url)).arrayBuffer());
  expect(sha256(file)).toBe(meeting.recordings[0]!.sha256);
});

describe('with a long pause between looks', () => {
  let slow: Stack;
  beforeAll(async () => {
    slow = await startStack({
      webex: { pollIntervalSeconds: 600, maxPollIntervalSeconds: 600, assetDeadlineSeconds: 3600 },
    });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  test('a recordings.created webhook ends the pause: collected at once instead of 10 minutes later', async () => {
    const meeting = slow.sim.webex.addMeeting({ recordingsAfterListings: 1000 });
    await ended(slow, meeting.meetingId);
    // The first look found nothing; the next one would be in 10 minutes.
    await eventually(
      () => Promise.resolve(slow.sim.faults.requestsTo('/webex/v1/recordings', 'GET').length),
      (n) => n >= 1,
    );
    const sent = Date.now();
    const res = await slow.sim.webex.sendWebhook(
      meeting.meetingId,
      'recordings',
      'created',
      slow.webexWebhookUrl,
    );
    expect(res.status).toBe(200);
    const view = await eventually(
      async () => (await (await slow.api(`/meetings/webex/${meeting.meetingId}`)).json()) as MeetingView,
      (v) => v.recording?.status === 'archived',
    );
    expect(Date.now() - sent).toBeLessThan(30_000);
    expect(view.recording?.archive).toMatchObject({ sha256: meeting.recordings[0]!.sha256 });
  });
});

describe('with a token Webex rejects', () => {
  let rejected: Stack;
  beforeAll(async () => {
    rejected = await startStack({ webex: FAST, webexClient: { accessToken: 'revoked-token-4242' } });
  });
  afterAll(async () => {
    await rejected?.stop();
  });

  test('failed, with a clear error that does not repeat the token', async () => {
    const meeting = rejected.sim.webex.addMeeting({});
    await ended(rejected, meeting.meetingId);
    const view = await eventually(
      async () => (await (await rejected.api(`/meetings/webex/${meeting.meetingId}`)).json()) as MeetingView,
      (v) => final(v),
    );
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('provider_unauthorized');
    expect(view.error?.message).toMatch(/401/);
    expect(view.error?.message).toMatch(/token/i);
    expect(JSON.stringify(view)).not.toContain('revoked-token-4242');
    for (const asset of [view.recording, view.transcript, view.participants])
      expect(asset?.status).toBe('unavailable');
  });
});

describe('auto-record', () => {
  let auto: Stack;
  beforeAll(async () => {
    auto = await startStack({ webexAutoRecord: true });
  });
  afterAll(async () => {
    await auto?.stop();
  });

  test('meetings.created for a scheduled meeting: one PATCH, even when the webhook comes twice', async () => {
    const meeting = auto.sim.webex.addMeeting({});
    const send = () =>
      auto.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'created', auto.webexWebhookUrl, {
        idKind: 'scheduled',
      });
    const first = await send();
    expect(first).toEqual({
      status: 200,
      body: { workflowId: `webex-auto-record:${meeting.scheduledMeetingId}` },
    });
    const result = await auto.client.workflow.getHandle(String((first.body as any).workflowId)).result();
    expect(result).toEqual({ changed: true });
    expect((await send()).status).toBe(200);
    await auto.client.workflow.getHandle(String((first.body as any).workflowId)).result();
    const patches = auto.sim.webex.patches.filter((p) => p.meetingId === meeting.scheduledMeetingId);
    expect(patches).toEqual([
      { meetingId: meeting.scheduledMeetingId, body: { enabledAutoRecordMeeting: true } },
    ]);
  });

  test('meetings.created for an instance id: no PATCH, the meeting is followed instead', async () => {
    const meeting = auto.sim.webex.addMeeting({});
    const res = await auto.sim.webex.sendWebhook(
      meeting.meetingId,
      'meetings',
      'created',
      auto.webexWebhookUrl,
      { idKind: 'instance' },
    );
    expect(res).toEqual({ status: 200, body: { workflowId: `webex:${meeting.meetingId}` } });
    expect(auto.sim.webex.patches.filter((p) => p.meetingId === meeting.meetingId)).toEqual([]);
    expect(
      auto.sim.faults.requestsTo('/webex/v1/meetings/', 'PATCH').filter((r) => r.path.includes('_I_')),
    ).toEqual([]);
  });
});
