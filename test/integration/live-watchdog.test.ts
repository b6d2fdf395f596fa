// The live watchdog: a meeting whose end webhooks are lost does not wait forever in a live status. After a
// silence the provider's API is asked where the meeting stands; past the meeting deadline it fails `no_end`
// (settings shortened here: silence 2 s, deadline 8 s). The four meetings run concurrently.
import { MeetingBaasClient } from '../../activities/meetingbaas/client';
import type { MeetingView } from '../../domain/view';
import { eventually, postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    watchdog: { silenceTimeoutSeconds: 2, meetingDeadlineSeconds: 8 },
    webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 2, assetDeadlineSeconds: 6 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const meetingBaasView = viewWhenOn(() => stack);
const webexView = viewWhenOn(() => stack, 'webex');
const final = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';
const currentDetails = async (workflowId: string): Promise<string> => {
  const meta = await stack.client.workflow
    .getHandle(workflowId)
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
};

/** Posts the meeting's joining_call and in_call_recording webhooks, and nothing more. */
async function joinAndRecord(botId: string): Promise<void> {
  const statuses = stack.sim.meetingBaas.webhooks(botId, 'statuses') as Array<{
    data: { status: { code: string } };
  }>;
  const sent = statuses.filter((b) => ['joining_call', 'in_call_recording'].includes(b.data.status.code));
  expect(sent).toHaveLength(2);
  for (const body of sent) expect((await postJson(stack.webhookUrl, body)).status).toBe(200);
}

test.concurrent(
  'Meeting BaaS: recording, then silence; the API has the final data: collected, completed',
  async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    await joinAndRecord(meeting.botId);
    const done = await meetingBaasView(meeting.botId, final, 20_000);
    expect(done.status).toBe('completed');
    const rows = done.history.map((h) => [h.code, h.source, h.applied]);
    expect(rows).toContainEqual(['watchdog', 'timer', false]);
    expect(rows).toContainEqual(['complete', 'api', true]);
    expect(done.history.find((h) => h.code === 'watchdog')?.note).toMatch(
      /nothing heard for 2 s while recording: asking Meeting BaaS/,
    );
    expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  },
);

test.concurrent(
  'Meeting BaaS: the provider keeps saying the bot is in the call: asked again, then failed no_end',
  async () => {
    const meeting = stack.sim.meetingBaas.create({ recordingBytes: 10_000 });
    meeting.live = true;
    await joinAndRecord(meeting.botId);
    const workflowId = `meetingbaas:${meeting.botId}`;
    // While it waits, the UI's details say what each part of the watchdog waits for.
    const details = await eventually(
      () => currentDetails(workflowId),
      (d) => d.includes('silence: '),
    );
    expect(details).toMatch(/silence: asks Meeting BaaS at \S+ if nothing is heard before/);
    expect(details).toMatch(/deadline: asks Meeting BaaS a last time and gives up \(no\\_end\) at /);

    const done = await meetingBaasView(meeting.botId, final, 20_000);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({
      code: 'no_end',
      message: expect.stringMatching(
        /did not end within 8 s of its first event .*last heard: .*the provider's API last said: the bot has not left/,
      ),
    });
    const live = done.history.filter((h) => h.code === 'provider_says_live');
    expect(live.length).toBeGreaterThanOrEqual(2);
    expect(live[0]).toMatchObject({ source: 'api', applied: false, note: 'the bot has not left' });
    expect(done.history.at(-1)).toMatchObject({ code: 'no_end', source: 'timer', applied: true });
    // Asked at each silence (2, 4, 6 s) and once more at the deadline, no more.
    const asked = stack.sim.faults
      .requestsTo('/bots/meeting_data')
      .filter((r) => r.query.includes(meeting.botId));
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.length).toBeLessThanOrEqual(5);
  },
);

test.concurrent(
  'Webex: started, then silence; the API says the meeting ended: its assets are collected',
  async () => {
    const now = Date.now();
    const meeting = stack.sim.webex.addMeeting({
      start: new Date(now - 3600_000).toISOString(),
      // In progress when `started` comes, over by the time the silence is up.
      end: new Date(Math.ceil((now + 1000) / 1000) * 1000).toISOString(),
      participants: 3,
    });
    const started = await stack.sim.webex.sendWebhook(
      meeting.meetingId,
      'meetings',
      'started',
      stack.webexWebhookUrl,
    );
    expect(started.status).toBe(200);
    const done = await webexView(meeting.meetingId, final, 20_000);
    expect(done.status).toBe('completed');
    expect(done.history).toContainEqual(
      expect.objectContaining({ code: 'meetings.ended', source: 'api', applied: true }),
    );
    expect(done.recording?.status).toBe('archived');
    expect(done.participants).toMatchObject({ status: 'archived', count: 3 });
  },
);

test.concurrent('Webex: in progress for ever: asked at each silence, then failed no_end', async () => {
  const now = Date.now();
  const meeting = stack.sim.webex.addMeeting({
    start: new Date(now - 60_000).toISOString(),
    end: new Date(now + 24 * 3600_000).toISOString(),
  });
  const started = await stack.sim.webex.sendWebhook(
    meeting.meetingId,
    'meetings',
    'started',
    stack.webexWebhookUrl,
  );
  expect(started.status).toBe(200);
  const done = await webexView(meeting.meetingId, final, 20_000);
  expect(done.status).toBe('failed');
  expect(done.error).toEqual({
    code: 'no_end',
    message: expect.stringMatching(
      /last heard: meetings\.started \(webhook\) .*the provider's API last said: Webex says the meeting is inProgress/,
    ),
  });
  expect(done.history.filter((h) => h.code === 'provider_says_live').length).toBeGreaterThanOrEqual(2);
});

test.each(['v1', 'v2'] as const)(
  'Meeting BaaS %s API: a bot still in the call and one that left without data are told apart',
  async (apiVersion) => {
    const client = new MeetingBaasClient({ ...stack.meetingBaas, apiVersion });
    const inCall = stack.sim.meetingBaas.create({});
    inCall.live = true;
    const left = stack.sim.meetingBaas.create({ dataPublished: false });
    expect(await client.finalData(inCall.botId)).toMatchObject({ state: 'pending', inCall: true });
    expect(await client.finalData(left.botId)).toMatchObject({ state: 'pending', inCall: false });
  },
);
