// A Webex meeting's assets at the real defaults on skipped time: once the meeting ended, its recordings and
// transcript are looked for every WEBEX_ASSET_POLL_SECONDS, doubling up to WEBEX_ASSET_POLL_MAX_SECONDS (a
// `created` webhook ends a pause early), until WEBEX_ASSET_DEADLINE_SECONDS; found later, they are collected
// too; then the meeting lingers MEETING_LINGER_SECONDS.
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import type { WebexTranscriptSummary } from '../../activities/webex/activities';
import { providerEventSignal } from '../../contract/workflow';
import { notPublishedReason } from '../../domain/webex/collection';
import { meetingWorkflowId } from '../../domain/workflow-id';
import { eventually } from '../helpers/stack';
import {
  backoffAgainst,
  DEFAULTS,
  secondsAfter,
  startSkippedMeetings,
  type SkippedMeetings,
} from '../helpers/time-skipping';
import { webexAssetCreated, webexInstanceId, webexMeeting } from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const deadline = DEFAULTS.WEBEX_ASSET_DEADLINE_SECONDS;
const linger = DEFAULTS.MEETING_LINGER_SECONDS;

/**
 * When the assets are looked for, in seconds after the end, as the settings document it: at once, then
 * after WEBEX_ASSET_POLL_SECONDS doubling up to WEBEX_ASSET_POLL_MAX_SECONDS, the last look at the deadline.
 */
function documentedLooks(): number[] {
  const looks = [0];
  for (let pause = DEFAULTS.WEBEX_ASSET_POLL_SECONDS; looks.at(-1)! < deadline; pause *= 2)
    looks.push(Math.min(looks.at(-1)! + Math.min(pause, DEFAULTS.WEBEX_ASSET_POLL_MAX_SECONDS), deadline));
  return looks;
}

const transcript = (id: string): WebexTranscriptSummary => ({
  id,
  vttDownloadLink: `https://example.webex.com/${id}.vtt`,
  txtDownloadLink: `https://example.webex.com/${id}.txt`,
});

async function meetingEnded(meetingId: string): Promise<number> {
  const t0 = await meetings.now();
  expect(await meetings.deliver(webexMeeting(meetingId, 'started', t0))).toMatchObject({ closed: false });
  expect(await meetings.deliver(webexMeeting(meetingId, 'ended', t0))).toMatchObject({ closed: false });
  return t0;
}

test('nothing published: looked for with backoff until WEBEX_ASSET_DEADLINE_SECONDS, then unavailable; participants archived', async () => {
  const meetingId = webexInstanceId(randomUUID());
  const t0 = await meetingEnded(meetingId);

  // Half way: still collecting; the participant list was archived at once, and the view shows it.
  await meetings.skip(deadline / 2);
  const waiting = await meetings.view('webex', meetingId);
  expect(waiting.status).toBe('collecting');
  expect(waiting.recording).toMatchObject({ status: 'pending' });
  expect(waiting.participants).toMatchObject({ status: 'archived', count: 3 });
  const participants = meetings.provider.calls(meetingId, 'archiveWebexParticipants');
  expect(participants.map((c) => secondsAfter(t0, c.atMs, 0))).toEqual([0]);

  const { view, closedAtMs } = await meetings.closed('webex', meetingId);
  for (const list of ['listWebexRecordings', 'listWebexTranscripts'] as const) {
    const times = meetings.provider.calls(meetingId, list).map((c) => c.atMs);
    const { actual, documented } = backoffAgainst(t0, times, documentedLooks());
    expect(actual).toEqual(documented);
  }
  expect(view.status).toBe('completed');
  expect(view.recording).toEqual({
    status: 'unavailable',
    reason: notPublishedReason('recording', deadline),
  });
  expect(view.transcript).toEqual({
    status: 'unavailable',
    reason: notPublishedReason('transcript', deadline),
  });
  expect(view.recording?.reason).toMatch(/within 24 h of the meeting's end/);
  expect(view.participants).toMatchObject({ status: 'archived', count: 3 });
  expect(meetings.provider.calls(meetingId, 'archiveWebexRecording')).toEqual([]);
  expect(secondsAfter(t0, closedAtMs, deadline + linger)).toBe(deadline + linger);
});

test('the recording is published 5 h after the end and announced: looked for at once (not at the next look of the backoff), archived', async () => {
  const meetingId = webexInstanceId(randomUUID());
  const publishedAfter = 5 * 3600;
  let t0 = 0;
  meetings.provider.script(meetingId, {
    listWebexRecordings: ({ atMs }) =>
      atMs - t0 >= publishedAfter * 1000 ? [{ id: 'rec-1', durationSeconds: 1800 }] : [],
    listWebexTranscripts: () => [transcript('tr-1')],
  });
  t0 = await meetingEnded(meetingId);

  await meetings.skipUntil(t0, publishedAfter);
  const announcedAt = await meetings.now();
  expect(
    await meetings.deliver(webexAssetCreated(meetingId, 'recordings', 'rec-1', announcedAt)),
  ).toMatchObject({ closed: false });

  const done = await meetings.viewWhen('webex', meetingId, (v) => v.status === 'completed');
  // The backoff's looks before the webhook, then one on it.
  const looks = [...documentedLooks().filter((s) => s < publishedAfter), publishedAfter];
  const recordingLooks = meetings.provider.calls(meetingId, 'listWebexRecordings').map((c) => c.atMs);
  const { actual, documented } = backoffAgainst(t0, recordingLooks, looks);
  expect(actual).toEqual(documented);
  const archived = meetings.provider.calls(meetingId, 'archiveWebexRecording');
  expect(archived.map((c) => c.input.recordingId)).toEqual(['rec-1']);
  expect(secondsAfter(t0, archived[0]!.atMs, publishedAfter)).toBe(publishedAfter);
  expect(done.recording).toMatchObject({ status: 'archived', parts: [{ id: 'rec-1', status: 'archived' }] });
  expect(done.transcript).toMatchObject({ status: 'archived', id: 'tr-1' });
  // Looking for more until the deadline, then the linger (the next test's subject): run to its end.
  await meetings.closed('webex', meetingId);
});

test('all published at once: completed at the end; a transcript published 10 h later is collected too; closed a linger after the deadline', async () => {
  const meetingId = webexInstanceId(randomUUID());
  const secondAfter = 10 * 3600;
  let t0 = 0;
  meetings.provider.script(meetingId, {
    listWebexRecordings: () => [{ id: 'rec-1', durationSeconds: 1800 }],
    listWebexTranscripts: ({ atMs }) =>
      atMs - t0 >= secondAfter * 1000 ? [transcript('tr-1'), transcript('tr-2')] : [transcript('tr-1')],
  });
  t0 = await meetingEnded(meetingId);

  await meetings.skip(2);
  const first = await meetings.viewWhen('webex', meetingId, (v) => v.status === 'completed');
  expect(first.transcript).toMatchObject({ status: 'archived', id: 'tr-1' });

  // Nobody announces the second transcript: the look for more assets finds it on its backoff.
  const { view, closedAtMs } = await meetings.closed('webex', meetingId);
  const archivedTranscripts = meetings.provider.calls(meetingId, 'archiveWebexTranscript');
  expect(archivedTranscripts.map((c) => c.input.transcriptId)).toEqual(['tr-1', 'tr-2']);
  const lookedForMore = documentedLooks().filter((s) => s > 0);
  const foundAt = lookedForMore.find((s) => s >= secondAfter)!;
  expect(secondsAfter(t0, archivedTranscripts[1]!.atMs, foundAt)).toBe(foundAt);
  expect(view.status).toBe('completed');
  expect(view.history).toContainEqual(
    expect.objectContaining({ code: 'more_assets_found', source: 'api', applied: true }),
  );
  expect(view.transcript?.parts?.map((p) => [p.id, p.status])).toEqual([
    ['tr-1', 'archived'],
    ['tr-2', 'archived'],
  ]);
  // Looked for more until the asset deadline, then the linger.
  const looks = meetings.provider.calls(meetingId, 'listWebexTranscripts').map((c) => c.atMs);
  expect(secondsAfter(t0, looks.at(-1)!, deadline)).toBe(deadline);
  expect(secondsAfter(t0, closedAtMs, deadline + linger)).toBe(deadline + linger);
});

test('a run that spends its signal budget while looking for more assets hands over; the next run goes on looking and collects what is published later', async () => {
  const meetingId = webexInstanceId(randomUUID());
  const secondAfter = 10 * 3600;
  let t0 = 0;
  meetings.provider.script(meetingId, {
    listWebexRecordings: () => [{ id: 'rec-1', durationSeconds: 1800 }],
    listWebexTranscripts: ({ atMs }) =>
      atMs - t0 >= secondAfter * 1000 ? [transcript('tr-1'), transcript('tr-2')] : [transcript('tr-1')],
  });
  t0 = await meetingEnded(meetingId);
  await meetings.skip(2);
  await meetings.viewWhen('webex', meetingId, (v) => v.status === 'completed');

  // A storm of 1,000 deliveries (the run's signal budget, RUN_BUDGET) while the run looks for more assets.
  const handle = meetings.env.client.workflow.getHandle(`webex:${meetingId}`);
  const { runId: firstRun } = await handle.describe();
  const again = webexMeeting(meetingId, 'ended', t0);
  for (let i = 0; i < 1_000; i += 50)
    await Promise.all(Array.from({ length: 50 }, () => handle.signal(providerEventSignal, again)));
  const handedOver = await eventually(
    async () => (await handle.describe()).runId,
    (runId) => runId !== firstRun,
  );
  expect(handedOver).not.toBe(firstRun);

  // The new run goes on looking on the backoff and finds the transcript published 10 h after the end.
  const { view } = await meetings.closed('webex', meetingId);
  expect(view.status).toBe('completed');
  expect(view.transcript?.parts?.map((p) => [p.id, p.status])).toEqual([
    ['tr-1', 'archived'],
    ['tr-2', 'archived'],
  ]);
  const looks = meetings.provider.calls(meetingId, 'listWebexTranscripts').map((c) => c.atMs);
  expect(secondsAfter(t0, looks.at(-1)!, deadline)).toBe(deadline);
});

test("Webex's recording list fails (503) for 2 h: each failed look is one more empty look, and the recording is archived once it answers", async () => {
  const meetingId = webexInstanceId(randomUUID());
  const outage = 2 * 3600;
  let t0 = 0;
  meetings.provider.script(meetingId, {
    listWebexRecordings: ({ atMs }) => {
      if (atMs - t0 < outage * 1000)
        throw ApplicationFailure.create({ message: 'Webex answered 503', type: 'ProviderUnavailable' });
      return [{ id: 'rec-1', durationSeconds: 1800 }];
    },
    listWebexTranscripts: () => [transcript('tr-1')],
  });
  t0 = await meetingEnded(meetingId);

  await meetings.skip(outage / 2);
  const during = await meetings.view('webex', meetingId);
  expect(during.status).toBe('collecting');
  expect(during.recording).toMatchObject({ status: 'pending' });

  await meetings.skipUntil(t0, outage + DEFAULTS.WEBEX_ASSET_POLL_MAX_SECONDS * 2);
  const done = await meetings.viewWhen('webex', meetingId, (v) => v.status === 'completed');
  expect(done.recording).toMatchObject({ status: 'archived', parts: [{ id: 'rec-1', status: 'archived' }] });
  const archived = meetings.provider.calls(meetingId, 'archiveWebexRecording');
  expect((archived[0]!.atMs - t0) / 1000).toBeGreaterThanOrEqual(outage);
  await meetings.terminate('webex', meetingId);
});

// A killed worker's transcript or participant-list attempt is retried once silent for the heartbeat timeout.
// Checked on the schedule the server enforces, not by waiting it out: here the time-skipping test server
// stalled when the hung attempt timed out while time was being skipped (as in temporalio/sdk-java#2246), and
// 3 minutes of real time is too long for CI.
test('the transcript and participant list are scheduled with a 3-minute heartbeat timeout (a dead worker is noticed then, not after 10)', async () => {
  const meetingId = webexInstanceId(randomUUID());
  meetings.provider.script(meetingId, { listWebexTranscripts: () => [transcript('tr-1')] });
  await meetingEnded(meetingId);
  await meetings.viewWhen('webex', meetingId, (v) => v.transcript?.status === 'archived');
  const handle = meetings.env.client.workflow.getHandle(meetingWorkflowId('webex', meetingId));
  const { events } = await handle.fetchHistory();
  const scheduled = (events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    return a
      ? [{ type: a.activityType?.name, heartbeatSeconds: Number(a.heartbeatTimeout?.seconds ?? 0) }]
      : [];
  });
  for (const type of ['archiveWebexTranscript', 'archiveWebexParticipants'])
    expect(scheduled.filter((s) => s.type === type)).toEqual([{ type, heartbeatSeconds: 180 }]);
  await meetings.terminate('webex', meetingId);
});
