// Late is not lost: a final webhook that comes after its meeting's workflow closed starts a new run of the
// same workflow id from the closed run's view, and Webex recordings published after the first collection
// (during the collection's watch, or announced during the linger) are archived too. Short settings.
import { createHash } from 'node:crypto';
import type { MeetingView } from '../../domain/view';
import { eventually, postJson, startStack, type Stack, viewWhenOn } from '../helpers/stack';

let mb: Stack;
let webex: Stack;
beforeAll(async () => {
  [mb, webex] = await Promise.all([
    startStack({
      lingerSeconds: 1,
      watchdog: { finalDataTimeoutSeconds: 1, finalDataDeadlineSeconds: 2, reconcileIntervalSeconds: 1 },
      webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, assetDeadlineSeconds: 2 },
    }),
    startStack({
      lingerSeconds: 30,
      webex: { pollIntervalSeconds: 1, maxPollIntervalSeconds: 1, assetDeadlineSeconds: 5 },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([mb?.stop(), webex?.stop()]);
});

const viewWhen = viewWhenOn(() => mb);
const webexViewWhen = viewWhenOn(() => webex, 'webex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The meeting's runs, oldest first, once visibility shows `count` of them. */
async function runsOf(stack: Stack, workflowId: string, count: number) {
  return eventually(
    async () => {
      const runs = [];
      for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
        runs.push(run);
      return runs.reverse();
    },
    (runs) => runs.length >= count,
    10_000,
  );
}

/** Resolves once the meeting's latest run has closed. */
const closed = (stack: Stack, workflowId: string) =>
  eventually(
    () => stack.client.workflow.getHandle(workflowId).describe(),
    (d) => d.status.name !== 'RUNNING',
    15_000,
  );

/** A Meeting BaaS meeting whose `complete` is held back until it has failed final_event_missing and closed. */
async function failedForWantOfData() {
  const meeting = mb.sim.meetingBaas.create({ dataPublished: false, recordingBytes: 40_000, words: 20 });
  await mb.sim.meetingBaas.play(meeting.botId, { webhookUrl: mb.webhookUrl, include: 'statuses' });
  const failed = await viewWhen(meeting.botId, (v) => v.status === 'failed');
  expect(failed.error?.code).toBe('final_event_missing');
  await closed(mb, `meetingbaas:${meeting.botId}`);
  return meeting;
}

test('a complete after final_event_missing and the close: 200, a new run, completed with the old history', async () => {
  const meeting = await failedForWantOfData();
  const workflowId = `meetingbaas:${meeting.botId}`;
  const [complete] = mb.sim.meetingBaas.webhooks(meeting.botId, 'final');
  expect(await postJson(mb.webhookUrl, complete)).toEqual({ status: 200, body: { workflowId } });

  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.error).toBeUndefined();
  expect(done.recording).toMatchObject({ status: 'archived', archive: { sha256: meeting.sha256 } });
  expect(sha256(await mb.archive.read(done.recording!.archive!))).toBe(meeting.sha256);
  expect(done.transcript?.status).toBe('archived');
  const codes = done.history.map((h) => [h.code, h.status, h.applied]);
  expect(codes).toContainEqual(['watchdog', 'ended', false]);
  expect(codes).toContainEqual(['final_event_missing', 'failed', true]);
  expect(codes.at(-1)).toEqual(['complete', 'collecting', true]);
  const runs = await runsOf(mb, workflowId, 2);
  expect(runs).toHaveLength(2);
  expect(runs[0]!.status.name).toBe('COMPLETED');

  // Closed again: a late status is ignored as before, and so is the same complete (already collected).
  await closed(mb, workflowId);
  const [joining] = mb.sim.meetingBaas.webhooks(meeting.botId, 'statuses');
  expect(await postJson(mb.webhookUrl, joining)).toEqual({
    status: 202,
    body: { ignored: true, workflowId, message: 'the meeting is already closed' },
  });
  expect((await postJson(mb.webhookUrl, complete)).status).toBe(202);
  expect(await runsOf(mb, workflowId, 2)).toHaveLength(2);
});

test('two deliveries of the same late complete at once: one new run, the complete applied once', async () => {
  const meeting = await failedForWantOfData();
  const workflowId = `meetingbaas:${meeting.botId}`;
  const [complete] = mb.sim.meetingBaas.webhooks(meeting.botId, 'final');
  const answers = await Promise.all([0, 1, 2].map(() => postJson(mb.webhookUrl, complete)));
  for (const answer of answers) expect(answer).toEqual({ status: 200, body: { workflowId } });
  const done = await viewWhen(meeting.botId, (v) => v.status === 'completed');
  expect(done.history.filter((h) => h.code === 'complete' && h.applied)).toHaveLength(1);
  await closed(mb, workflowId);
  expect(await runsOf(mb, workflowId, 2)).toHaveLength(2);
});

const completedWith = (parts: number) => (v: MeetingView) =>
  v.status === 'completed' && v.recording?.parts?.length === parts;

test('Webex: a second recording and transcript published after the first were archived are archived too', async () => {
  const meeting = webex.sim.webex.addMeeting({ recordings: [{ bytes: 50_000 }] });
  await webex.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', webex.webexWebhookUrl);
  await webexViewWhen(meeting.meetingId, completedWith(1));
  // Published without a webhook: found by the next look.
  const second = webex.sim.webex.addRecording(meeting.meetingId, { bytes: 30_000, durationSeconds: 20 });
  const transcript = webex.sim.webex.addTranscript(meeting.meetingId);
  const done = await webexViewWhen(
    meeting.meetingId,
    (v) => completedWith(2)(v) && v.transcript?.parts?.length === 2,
  );
  expect(done.recording?.parts?.map((p) => [p.id, p.status, p.archive?.sha256])).toEqual([
    [meeting.recordings[0]!.id, 'archived', meeting.recordings[0]!.sha256],
    [second.id, 'archived', second.sha256],
  ]);
  expect(done.recording?.durationSeconds).toBe(80);
  expect(done.recording?.archive).toEqual(done.recording?.parts?.[0]?.archive);
  expect(done.history.map((h) => [h.code, h.status])).toContainEqual(['more_assets_found', 'collecting']);
  // The first transcript stays the main one; the second is archived under a name of its own.
  expect(done.transcript).toMatchObject({ status: 'archived', id: meeting.transcriptId });
  expect(done.transcript?.parts?.map((p) => [p.id, p.status])).toEqual([
    [meeting.transcriptId, 'archived'],
    [transcript.id, 'archived'],
  ]);
  expect(done.transcript?.archive).toEqual(done.transcript?.parts?.[0]?.archive);
  expect(done.transcript?.parts?.[1]?.archive?.uri).toMatch(/transcript-[^/]+\.json$/);
  expect(done.transcript?.parts?.[1]?.utterances).toBeGreaterThan(0);
});

test('Webex: a recording announced by recordings.created during the linger is archived', async () => {
  const meeting = webex.sim.webex.addMeeting({ recordings: [{ bytes: 50_000 }] });
  await webex.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', webex.webexWebhookUrl);
  await webexViewWhen(meeting.meetingId, completedWith(1));
  // Past the asset deadline (5 s from the collection's start): the workflow only lingers now.
  await new Promise((r) => setTimeout(r, 5000));
  const second = webex.sim.webex.addRecording(meeting.meetingId, { bytes: 30_000 });
  const answer = await webex.sim.webex.sendWebhook(
    meeting.meetingId,
    'recordings',
    'created',
    webex.webexWebhookUrl,
    { recordingId: second.id },
  );
  expect(answer).toEqual({ status: 200, body: { workflowId: `webex:${meeting.meetingId}` } });
  const done = await webexViewWhen(meeting.meetingId, completedWith(2));
  expect(done.recording?.parts?.[1]).toMatchObject({ id: second.id, status: 'archived' });
  expect(sha256(await webex.archive.read(done.recording!.parts![1]!.archive!))).toBe(second.sha256);
  const codes = done.history.map((h) => [h.code, h.status, h.applied]);
  expect(codes).not.toContainEqual(['more_assets_found', 'collecting', true]);
  expect(codes.at(-1)).toEqual(['recordings.created', 'collecting', true]);
});

test('Webex: a recordings.created after the close starts a new run that archives the new recording', async () => {
  const meeting = mb.sim.webex.addMeeting({ recordings: [{ bytes: 40_000 }] });
  const workflowId = `webex:${meeting.meetingId}`;
  await mb.sim.webex.sendWebhook(meeting.meetingId, 'meetings', 'ended', mb.webexWebhookUrl);
  const first = await viewWhenOn(() => mb, 'webex')(meeting.meetingId, completedWith(1));
  await closed(mb, workflowId);
  const second = mb.sim.webex.addRecording(meeting.meetingId, { bytes: 20_000 });
  const answer = await mb.sim.webex.sendWebhook(
    meeting.meetingId,
    'recordings',
    'created',
    mb.webexWebhookUrl,
    {
      recordingId: second.id,
    },
  );
  expect(answer).toEqual({ status: 200, body: { workflowId } });
  const done = await viewWhenOn(() => mb, 'webex')(meeting.meetingId, completedWith(2));
  expect(done.recording?.parts?.map((p) => [p.id, p.status])).toEqual([
    [meeting.recordings[0]!.id, 'archived'],
    [second.id, 'archived'],
  ]);
  // The first recording was not downloaded again, and the participants are the first run's.
  expect(done.recording?.parts?.[0]).toEqual(first.recording?.parts?.[0]);
  expect(done.participants).toEqual(first.participants);
  expect(done.history.slice(0, first.history.length)).toEqual(first.history);
  expect(await runsOf(mb, workflowId, 2)).toHaveLength(2);
});
