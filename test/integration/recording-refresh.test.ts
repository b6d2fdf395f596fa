// Expiring recording URLs: refreshed through the provider's API during a download, and on demand through the
// refreshRecordingUrl Update (POST .../recording-url, GET .../recording).
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  // Linger so that the Update can still reach finished meetings.
  stack = await startStack({ lingerSeconds: 120 });
});
afterAll(async () => {
  await stack?.stop();
});

const viewWhen = viewWhenOn(() => stack);
const meetingDataCalls = () => stack.sim.faults.requestsTo('/bots/meeting_data').length;

test('a complete whose URL has already expired: a fresh URL from GET /bots/meeting_data, then archived', async () => {
  const meeting = stack.sim.meetingBaas.create({ urlExpiresSeconds: 0, recordingBytes: 300_000 });
  const before = meetingDataCalls();
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({
    status: 'archived',
    archive: { bytes: 300_000, sha256: meeting.sha256 },
  });
  expect(meetingDataCalls()).toBeGreaterThan(before);
});

test('a URL the storage refuses with 403 mid-life is refreshed and the archive completes', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 200_000 });
  stack.sim.faults.add({ pathPrefix: `/recordings/${meeting.botId}`, status: 403, count: 1 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  const downloads = stack.sim.faults.requestsTo(`/recordings/${meeting.botId}`);
  expect(downloads.map((r) => r.faultStatus)).toEqual([403, undefined]);
});

test('a download cut off halfway is retried and the archive is whole', async () => {
  const meeting = stack.sim.meetingBaas.create({ recordingBytes: 1_000_000, cutDownloads: 1 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({
    status: 'archived',
    archive: { bytes: 1_000_000, sha256: meeting.sha256 },
  });
  expect(stack.sim.faults.requestsTo(`/recordings/${meeting.botId}`)).toHaveLength(2);
});

test('an expired URL the provider cannot replace: recording unavailable with the reason, no endless retries', async () => {
  // The provider does not know this bot: the refresh answers 404, which retrying cannot fix.
  const known = stack.sim.meetingBaas.create({ urlExpiresSeconds: 0 });
  const botId = `unknown-to-provider-${Date.now()}`;
  const res = await postJson(stack.webhookUrl, {
    event: 'complete',
    data: { bot_id: botId, mp4: stack.sim.meetingBaas.recordingUrl(known.botId, 0), speakers: [] },
  });
  expect(res.status).toBe(200);
  // A verdict at once (404), and with no transcript nothing at all is archived: failed no_assets.
  const done = await viewWhen(botId, (v) => v.status === 'completed' || v.status === 'failed');
  expect(done.recording).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/404/) });
  expect(done.status).toBe('failed');
  expect(done.error?.code).toBe('no_assets');
});

describe('the refreshRecordingUrl Update', () => {
  test('POST .../recording-url: a URL the storage accepts, valid 10+ minutes; refreshed only when needed', async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 50_000 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    await viewWhen(meeting.botId, (v) => v.status === 'completed');

    const calls = meetingDataCalls();
    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/recording-url`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; expiresAt: string };
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(10 * 60_000);
    expect(presignedUrlExpiry(body.url)).toBe(body.expiresAt);
    // The URL of `complete` still had two hours: no question to the provider.
    expect(meetingDataCalls()).toBe(calls);
    const file = await fetch(body.url);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(50_000);
  });

  test('an expired URL is replaced through the provider, and the view shows the new expiry', async () => {
    const meeting = stack.sim.meetingBaas.create({ urlExpiresSeconds: 0, recordingBytes: 10_000 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    await viewWhen(meeting.botId, (v) => v.status === 'completed');
    const calls = meetingDataCalls();

    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/recording-url`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; expiresAt: string };
    expect(meetingDataCalls()).toBe(calls + 1);
    expect((await fetch(body.url)).status).toBe(200);
    const v = await viewWhen(meeting.botId, (x) => x.recording?.sourceUrlExpiresAt === body.expiresAt);
    expect(v.recording?.status).toBe('archived');
  });

  test('GET .../recording redirects (302) to a URL that serves the recording (our archived copy)', async () => {
    const meeting = stack.sim.meetingBaas.create({ urlExpiresSeconds: 0, recordingBytes: 20_000 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    await viewWhen(meeting.botId, (v) => v.status === 'completed');
    const res = await stack.api(`/meetings/meetingbaas/${meeting.botId}/recording`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    // Archived: the file on this API (the directory archive), with the same token.
    const location = res.headers.get('location')!;
    expect(location).toBe(`/meetings/meetingbaas/${meeting.botId}/recording/file`);
    const file = await stack.api(location);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(20_000);
  });

  test('a meeting without final data: 409 recording_unavailable; an unknown meeting: 404', async () => {
    const botId = `no-final-${Date.now()}`;
    await postJson(stack.webhookUrl, {
      event: 'bot.status_change',
      data: { bot_id: botId, status: { code: 'joining_call', created_at: new Date().toISOString() } },
    });
    const res = await stack.api(`/meetings/meetingbaas/${botId}/recording-url`, {
      method: 'POST',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: 'recording_unavailable',
      message: expect.stringMatching(/no recording URL yet/),
    });
    const missing = await stack.api(`/meetings/meetingbaas/never-seen-${Date.now()}/recording`, {
      redirect: 'manual',
    });
    expect(missing.status).toBe(404);
  });
});

test('once the meeting workflow has closed, the Update is refused with 404, never a 500', async () => {
  const closing = await startStack({ lingerSeconds: 0 });
  try {
    const meeting = closing.sim.meetingBaas.create({ recordingBytes: 1000 });
    await closing.sim.meetingBaas.play(meeting.botId, { webhookUrl: closing.webhookUrl });
    await closing.client.workflow.getHandle(`meetingbaas:${meeting.botId}`).result();
    const res = await closing.api(`/meetings/meetingbaas/${meeting.botId}/recording-url`, {
      method: 'POST',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
    const removed = await closing.api(`/bots/${meeting.botId}`, { method: 'DELETE' });
    expect(removed.status).toBe(404);
  } finally {
    await closing.stop();
  }
});
