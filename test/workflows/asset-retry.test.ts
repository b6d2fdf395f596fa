// The asset retry window (workflows/asset-retry.ts) at its real defaults on skipped time: a download or
// archive write that fails for a transient reason is retried in rounds of DEFAULT_ASSET_RETRY, until the
// asset's deadline (Meeting BaaS: FINAL_DATA_DEADLINE_SECONDS after its collection started; Webex:
// WEBEX_ASSET_DEADLINE_SECONDS after the end); only a verdict or that deadline ends it.
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_ASSET_RETRY } from '../../domain/asset-retry';
import { fakeArchiveRef, type ActivityCall } from '../helpers/stub-provider';
import {
  DEFAULTS,
  asExpected,
  secondsAfter,
  startSkippedMeetings,
  type SkippedMeetings,
} from '../helpers/time-skipping';
import {
  meetingBaasComplete,
  meetingBaasStatus,
  webexInstanceId,
  webexMeeting,
} from '../helpers/webhook-events';

let meetings: SkippedMeetings;
beforeAll(async () => {
  meetings = await startSkippedMeetings();
});
afterAll(async () => {
  await meetings?.stop();
});

const linger = DEFAULTS.MEETING_LINGER_SECONDS;
const iso = (ms: number) => new Date(ms).toISOString();

/** The storage answers 503, as the recording activity reports it. */
const unavailable = () => {
  throw ApplicationFailure.create({ message: 'recording download: HTTP 503', type: 'ProviderUnavailable' });
};
/** The archive's disk is full, as the activities report it (activities/index.ts archiveFailure). */
const archiveFull = () => {
  throw ApplicationFailure.create({
    message: 'the archive cannot be written: archive full (ENOSPC): no space left on device',
    type: 'ArchiveUnavailable',
    details: [{ errno: 'ENOSPC' }],
  });
};

/** The calls in rounds: a round starts with an activity's first attempt. */
function rounds(calls: ActivityCall[]): ActivityCall[][] {
  const grouped: ActivityCall[][] = [];
  for (const call of calls) {
    if (call.attempt === 1) grouped.push([]);
    grouped.at(-1)!.push(call);
  }
  return grouped;
}

/**
 * The rounds of `calls` against DEFAULT_ASSET_RETRY: each round's attempts (seconds after its first, as
 * the activity's own retry policy spaces them: `attemptOffsets`), and each pause before the next round,
 * from the round's last failure: firstPauseSeconds doubling up to maxPauseSeconds, never past the deadline
 * (`deadlineMs`). Returns what happened and what is documented, for one `toEqual`.
 */
function roundsAgainstSettings(calls: ActivityCall[], attemptOffsets: number[], deadlineMs: number) {
  const all = rounds(calls);
  const pauses = all.slice(1).map((round, i) => (round[0]!.atMs - all[i]!.at(-1)!.atMs) / 1000);
  const documentedPauses = all.slice(1).map((_, i) => {
    const grown = DEFAULT_ASSET_RETRY.firstPauseSeconds * 2 ** i;
    const leftSeconds = (deadlineMs - all[i]!.at(-1)!.atMs) / 1000;
    return Math.min(grown, DEFAULT_ASSET_RETRY.maxPauseSeconds, leftSeconds);
  });
  return {
    actual: {
      attempts: all.map((round) =>
        asExpected(
          round.map((c) => (c.atMs - round[0]!.atMs) / 1000),
          attemptOffsets,
        ),
      ),
      pauses: asExpected(pauses, documentedPauses),
    },
    documented: {
      attempts: all.map((round) => attemptOffsets.slice(0, round.length)),
      pauses: documentedPauses,
    },
  };
}

test('Meeting BaaS: the recording download fails (503) for ever: retried in rounds until FINAL_DATA_DEADLINE_SECONDS, then unavailable', async () => {
  const botId = `bot-${randomUUID()}`;
  meetings.provider.script(botId, { archiveRecording: unavailable });
  const t0 = await meetings.now();
  for (const event of [meetingBaasStatus(botId, 'call_ended', t0), meetingBaasComplete(botId, t0)])
    expect(await meetings.deliver(event)).toMatchObject({ closed: false });
  const deadline = DEFAULTS.FINAL_DATA_DEADLINE_SECONDS;
  const deadlineMs = t0 + deadline * 1000;

  // An hour in: collecting, the recording saying what is retried, why, and until when; the transcript,
  // archived at once, is in the view already.
  await meetings.skip(3600);
  const retrying = await meetings.view('meetingbaas', botId);
  expect(retrying.status).toBe('collecting');
  expect(meetings.provider.calls(botId, 'archiveMeetingBaasTranscript')).toHaveLength(1);
  expect(retrying.transcript).toMatchObject({ status: 'archived' });
  expect(retrying.recording).toMatchObject({ status: 'pending' });
  expect(retrying.recording?.reason).toMatch(
    new RegExp(
      `^recording: retrying, provider unavailable \\(5xx\\) \\(ProviderUnavailable\\), next try at \\S+, ` +
        `gives up at ${iso(deadlineMs).slice(0, 16)}`,
    ),
  );

  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  const calls = meetings.provider.calls(botId, 'archiveRecording');
  // Three attempts a round, 2 s then 4 s apart (the retry policy archiveRecording is proxied with).
  const { actual, documented } = roundsAgainstSettings(calls, [0, 2, 6], deadlineMs);
  expect(actual).toEqual(documented);
  expect(actual.attempts.every((a) => a.length === DEFAULT_ASSET_RETRY.attemptsPerRound)).toBe(true);
  // The last round starts at the deadline; the one before failed before it.
  const last = rounds(calls).at(-1)!;
  expect(secondsAfter(t0, last[0]!.atMs, deadline)).toBe(deadline);
  expect(view.status).toBe('completed');
  expect(view.recording).toMatchObject({ status: 'unavailable' });
  const reason = /^download failed \(still failing at the deadline, (\S+)\): (.*)$/.exec(
    view.recording?.reason ?? '',
  );
  expect(reason?.[2]).toBe('ProviderUnavailable: recording download: HTTP 503');
  expect(secondsAfter(t0, Date.parse(reason?.[1] ?? ''), deadline)).toBe(deadline);
  expect(view.transcript).toMatchObject({ status: 'archived' });
  expect(secondsAfter(last.at(-1)!.atMs, closedAtMs, linger)).toBe(linger);
});

test('Meeting BaaS: a 404 from the storage is a verdict at once: no second round, unavailable, completed with the transcript', async () => {
  const botId = `bot-${randomUUID()}`;
  meetings.provider.script(botId, {
    archiveRecording: () => {
      throw ApplicationFailure.create({
        message: 'recording download: HTTP 404',
        type: 'Http404',
        nonRetryable: true,
      });
    },
  });
  const t0 = await meetings.now();
  expect(await meetings.deliver(meetingBaasComplete(botId, t0))).toMatchObject({ closed: false });

  const { view, closedAtMs } = await meetings.closed('meetingbaas', botId);
  expect(meetings.provider.calls(botId, 'archiveRecording').map((c) => c.attempt)).toEqual([1]);
  expect(view.status).toBe('completed');
  expect(view.recording).toMatchObject({
    status: 'unavailable',
    reason: 'download failed: Http404: recording download: HTTP 404',
  });
  expect(secondsAfter(t0, closedAtMs, linger)).toBe(linger);
});

test('Webex: the archive is full for 3 hours when the participant list is written: retried until it is not, then completed', async () => {
  const meetingId = webexInstanceId(randomUUID());
  const fullFor = 3 * 3600;
  let t0 = 0;
  meetings.provider.script(meetingId, {
    listWebexRecordings: () => [{ id: 'rec-1', durationSeconds: 600 }],
    listWebexTranscripts: () => [
      {
        id: 'tr-1',
        vttDownloadLink: 'https://example.webex.com/tr-1.vtt',
        txtDownloadLink: 'https://example.webex.com/tr-1.txt',
      },
    ],
    archiveWebexParticipants: ({ externalId, atMs }) => {
      if (atMs - t0 < fullFor * 1000) archiveFull();
      return { archive: fakeArchiveRef(`webex/${externalId}/participants.json`), count: 4 };
    },
  });
  t0 = await meetings.now();
  expect(await meetings.deliver(webexMeeting(meetingId, 'ended', t0))).toMatchObject({ closed: false });
  const deadlineMs = t0 + DEFAULTS.WEBEX_ASSET_DEADLINE_SECONDS * 1000;

  await meetings.skip(3600);
  const retrying = await meetings.view('webex', meetingId);
  expect(retrying.status).toBe('collecting');
  expect(retrying.participants?.reason).toMatch(
    /^participants: retrying, archive full \(ENOSPC\) \(ArchiveUnavailable\), next try at /,
  );

  await meetings.skip(fullFor);
  const done = await meetings.viewWhen('webex', meetingId, (v) => v.status === 'completed');
  expect(done.participants).toMatchObject({ status: 'archived', count: 4 });
  expect(done.recording).toMatchObject({ status: 'archived' });
  expect(done.transcript).toMatchObject({ status: 'archived' });
  const calls = meetings.provider.calls(meetingId, 'archiveWebexParticipants');
  // Rounds of three attempts, 1 s then 2 s apart (archiveWebexParticipants' retry policy); the
  // first round after the outage archived it at its first attempt.
  const { actual, documented } = roundsAgainstSettings(calls, [0, 1, 3], deadlineMs);
  expect(actual).toEqual(documented);
  const all = rounds(calls);
  expect(all.at(-1)!.map((c) => c.attempt)).toEqual([1]);
  expect((all.at(-1)![0]!.atMs - t0) / 1000).toBeGreaterThanOrEqual(fullFor);
  expect((all.at(-2)![0]!.atMs - t0) / 1000).toBeLessThan(fullFor);
  // What is left (looking for more assets until the deadline, the linger) is not this test's subject.
  await meetings.terminate('webex', meetingId);
});
