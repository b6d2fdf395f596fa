// The Meeting BaaS REST client against the simulator (no Temporal): answers and refusals as activities see them.
import { ApplicationFailure } from '@temporalio/common';
import { MeetingBaasClient } from '../../activities/meetingbaas/client';
import { Simulator } from '../../simulator/server';

const KEY = 'client-key';
let sim: Simulator;
beforeAll(async () => {
  sim = await new Simulator({ meetingBaasApiKey: KEY }).start();
});
afterAll(async () => {
  await sim?.stop();
});
const client = (apiVersion: 'v1' | 'v2') =>
  new MeetingBaasClient({ baseUrl: sim.url, apiKey: KEY, apiVersion });

test.each(['v1', 'v2'] as const)(
  '%s: leaving a bot that already left (409) counts as done',
  async (version) => {
    const botId = await client(version).createBot({
      meeting_url: `https://meet.google.com/${version}-left`,
      bot_name: 'x',
    });
    const path = version === 'v1' ? `/bots/${botId}` : `/v2/bots/${botId}/leave`;
    sim.faults.add({ pathPrefix: path, status: 409, count: 1 });
    await expect(client(version).leaveBot(botId)).resolves.toBeUndefined();
    expect(sim.faults.requestsTo(path).map((r) => r.faultStatus)).toEqual([409]);
  },
);

test('leaving an unknown bot (404) is a non-retryable failure', async () => {
  const err = await client('v1')
    .leaveBot('nobody')
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'Http404', nonRetryable: true });
});

test('a recording URL is refreshed without downloading the transcript', async () => {
  const m = sim.meetingBaas.create({ words: 10 });
  const fresh = await client('v1').recordingUrl(m.botId);
  expect(sim.faults.requestsTo('/bots/meeting_data').at(-1)!.query).toContain('include_transcripts=false');
  expect(Date.parse(fresh.expiresAt) - Date.now()).toBeGreaterThan(3600_000);
  expect((await fetch(fresh.url)).status).toBe(200);
});

test('no API key configured: a clear non-retryable failure, no request made', async () => {
  const before = sim.faults.requests.length;
  const noKey = new MeetingBaasClient({ baseUrl: sim.url, apiKey: undefined, apiVersion: 'v1' });
  await expect(noKey.recordingUrl('b')).rejects.toMatchObject({ type: 'ProviderNotConfigured' });
  expect(sim.faults.requests.length).toBe(before);
});
