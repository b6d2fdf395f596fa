// Collection of a Meeting BaaS meeting once its final data is announced: the recording downloaded and the
// transcript normalised into the archive, in parallel.
import { patched } from '@temporalio/workflow';
import { DEFAULT_ASSET_RETRY } from '../../domain/asset-retry';
import type { RecordingView, TranscriptView } from '../../domain/view';
import { watchdogSettingsOf } from '../../domain/watchdog';
import { retryUntilDeadline, type Retried } from '../asset-retry';
import type { MeetingRunContext } from '../collector';
import { reasonOf } from '../failure';
import { TRANSIENT_PATCH } from '../patches';
import { shown } from '../shown';
import { archiveMeetingBaasTranscript, archiveRecording } from './activities';

/**
 * The assets the final data names, archived. Since TRANSIENT_PATCH each is retried until
 * FINAL_DATA_DEADLINE_SECONDS after the collection started (the recording URL is refreshed through the
 * provider, so only the provider keeping the data bounds it); before, one call was a verdict.
 */
export async function collectMeetingBaas(run: MeetingRunContext): Promise<void> {
  const { meeting } = run;
  const final = meeting.finalData;
  const botId = meeting.view.externalId;
  if (!final) return;
  const untilDeadline = patched(TRANSIENT_PATCH);
  const deadlineMs = Date.now() + watchdogSettingsOf(run.input.watchdog).finalDataDeadlineSeconds * 1000;
  const settings = run.input.assetRetry ?? DEFAULT_ASSET_RETRY;
  const retried = <T>(
    asset: 'recording' | 'transcript',
    round: (options: { scheduleToCloseTimeout: number; retry: { maximumAttempts: number } }) => Promise<T>,
  ): Promise<Retried<T>> =>
    retryUntilDeadline(
      asset,
      deadlineMs,
      settings,
      (leftMs) =>
        round({ scheduleToCloseTimeout: leftMs, retry: { maximumAttempts: settings.attemptsPerRound } }),
      (note) => {
        meeting.retrying(asset, note);
        run.showWaiting(asset, note);
        run.publish();
      },
    );
  /** Why an asset is missing, from a failure that ended its retries. */
  const given = (what: string, r: Extract<Retried<unknown>, { ok: false }>) =>
    r.late
      ? `${what} (still failing at the deadline, ${new Date(deadlineMs).toISOString()}): ${r.failure.reason}`
      : `${what}: ${r.failure.reason}`;

  const recording = async (): Promise<RecordingView | undefined> => {
    if (meeting.view.recording?.status !== 'pending' || !final.recording?.url) return undefined;
    const base = { sourceUrlExpiresAt: final.recording.urlExpiresAt };
    // The signed URL stays out of the history: the activity reads it from the claim-checked final data (or
    // asks the provider). Only an event from before the issue-12 hygiene without a claim check passes it.
    const source = final.payloadRef
      ? { payloadRef: final.payloadRef }
      : final.recording.redacted
        ? {}
        : { url: final.recording.url };
    const summary = `Download the recording of meetingbaas:${botId} into the archive`;
    const input = {
      provider: 'meetingbaas' as const,
      externalId: botId,
      ...source,
      urlExpiresAt: final.recording.urlExpiresAt,
    };
    if (untilDeadline) {
      const r = await retried('recording', (options) =>
        archiveRecording.executeWithOptions({ summary, ...options }, [input]),
      );
      return r.ok
        ? { ...base, status: 'archived', archive: r.value }
        : { ...base, status: 'unavailable', reason: given('download failed', r) };
    }
    try {
      const archive = await archiveRecording.executeWithOptions({ summary }, [input]);
      return { ...base, status: 'archived', archive };
    } catch (err) {
      return { ...base, status: 'unavailable', reason: `download failed: ${reasonOf(err)}` };
    }
  };

  const transcript = async (): Promise<TranscriptView | undefined> => {
    if (meeting.view.transcript?.status !== 'pending' || !final.payloadRef) return undefined;
    const summary = `Normalise and archive the transcript of meetingbaas:${botId}`;
    const input = { botId, payloadRef: final.payloadRef };
    if (untilDeadline) {
      const r = await retried('transcript', (options) =>
        archiveMeetingBaasTranscript.executeWithOptions({ summary, ...options }, [input]),
      );
      return r.ok
        ? { status: 'archived', ...r.value }
        : { status: 'unavailable', reason: given('transcript could not be archived', r) };
    }
    try {
      const result = await archiveMeetingBaasTranscript.executeWithOptions({ summary }, [input]);
      return { status: 'archived', ...result };
    } catch (err) {
      return { status: 'unavailable', reason: `transcript could not be archived: ${reasonOf(err)}` };
    }
  };

  // Each asset shows in the view as soon as it is done; the meeting is collected once both are.
  const [rec, tr] = await Promise.all([
    recording().then((view) => shown(run, 'recording', view)),
    transcript().then((view) => shown(run, 'transcript', view)),
  ]);
  meeting.collected({ recording: rec, transcript: tr });
}
