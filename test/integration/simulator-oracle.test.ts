// The simulator must answer the official Meeting BaaS SDK as the real API would: the SDK's own client
// calls it over HTTP and the SDK's own zod schema judges the answer.
import { createBaasClient, getMeetingDataResponse } from '@meeting-baas/sdk';
import { presignedUrlExpiry } from '../../domain/presigned-url';
import { Simulator } from '../../simulator/server';

const KEY = 'oracle-key';
let sim: Simulator;
beforeAll(async () => {
  sim = await new Simulator({ meetingBaasApiKey: KEY }).start();
});
afterAll(async () => {
  await sim?.stop();
});

test('GET /bots/meeting_data answers the SDK client with a body its schema accepts', async () => {
  const meeting = sim.meetingBaas.create({ words: 25 });
  const client = createBaasClient({ api_key: KEY, base_url: sim.url });
  const result = await client.getMeetingData({ bot_id: meeting.botId, include_transcripts: true });
  if (!result.success) throw result.error;

  const data = getMeetingDataResponse.parse(result.data);
  expect(data.bot_data.bot.uuid).toBe(meeting.botId);
  expect(data.bot_data.transcripts.flatMap((t) => t.words)).toHaveLength(25);
  // The mp4 link is a presigned URL good for 2 hours, and it serves the recording.
  const expiry = presignedUrlExpiry(data.mp4);
  expect(Date.parse(expiry!) - Date.now()).toBeGreaterThan(7100_000);
  const file = await fetch(data.mp4);
  expect(file.status).toBe(200);
  expect((await file.arrayBuffer()).byteLength).toBe(meeting.recordingBytes);
});

test('the SDK sees a wrong key and an unknown bot as errors', async () => {
  const meeting = sim.meetingBaas.create({});
  const wrongKey = await createBaasClient({ api_key: 'nope', base_url: sim.url }).getMeetingData({
    bot_id: meeting.botId,
  });
  expect(wrongKey.success).toBe(false);
  const unknown = await createBaasClient({ api_key: KEY, base_url: sim.url }).getMeetingData({
    bot_id: '3f2b9a4e-0000-4000-8000-000000000000',
  });
  expect(unknown.success).toBe(false);
});

test('recording URLs: 403 once expired, 403 when tampered with', async () => {
  const meeting = sim.meetingBaas.create({ recordingBytes: 1000 });
  const expired = sim.meetingBaas.recordingUrl(meeting.botId, 0);
  await new Promise((r) => setTimeout(r, 1100));
  const res = await fetch(expired);
  expect(res.status).toBe(403);
  expect(await res.text()).toMatch(/Request has expired/);

  const tampered = sim.meetingBaas
    .recordingUrl(meeting.botId, 3600)
    .replace('X-Amz-Expires=3600', 'X-Amz-Expires=999999');
  expect((await fetch(tampered)).status).toBe(403);
});
