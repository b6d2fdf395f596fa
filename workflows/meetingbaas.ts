// Collection of a Meeting BaaS meeting once its final data is announced.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StoredRecordingUrl } from '../activities/meetingbaas/provider';
import { DEFAULT_ASSET_RETRY, type AssetRetrySettings } from '../domain/asset-retry';
import type { Meeting } from '../domain/meeting';
import type { RecordingView, TranscriptView } from '../domain/view';
import { retryUntilDeadline, TRANSIENT_PATCH, type Retried } from './asset-retry';
import { reasonOf } from './failure';

// An expired URL is refreshed inside the activity, so retrying is worth it for as long as the provider keeps
// the recording; six hours of outage or cut downloads is where a person should look instead.
const { archiveRecording } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '6 hours',
  // Progress is heartbeated every second while bytes flow; a download silent this long is stuck or its
  // worker gone.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Reads the archived body (v1: the words are in it; v2: downloads the transcription file it names, with a
// fresh URL when expired) and writes the normalised transcript.
const { archiveMeetingBaasTranscript } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Questions to the provider's API. 429s wait as long as the provider asks (Retry-After), 5xx and network
// errors back off; 401/403/404 are not retried (see activities/http-failure.ts).
const { reconcileMeetingBaas: reconcile } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// An Update caller is waiting: give up within a couple of minutes.
const { refreshMeetingBaasRecordingUrl: refreshRecordingUrl } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});
const { removeMeetingBaasBot: removeBot } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Each call's summary names the bot, so that the UI's event history says what every activity fetched.

/** `ask`: the how-manieth question of this watchdog round (1, 2, …). */
export const reconcileMeetingBaas = (botId: string, ask: number) =>
  reconcile.executeWithOptions(
    { summary: `Ask Meeting BaaS's API for the final data of meetingbaas:${botId} (ask ${ask})` },
    [{ botId }],
  );
/** `stored`: the final data's own URL, handed out instead when valid long enough (see the activity). */
export const refreshMeetingBaasRecordingUrl = (botId: string, stored?: StoredRecordingUrl) =>
  refreshRecordingUrl.executeWithOptions(
    { summary: `Get a fresh recording URL of meetingbaas:${botId} from Meeting BaaS` },
    [{ botId, ...stored }],
  );
export const removeMeetingBaasBot = (botId: string) =>
  removeBot.executeWithOptions(
    { summary: `Ask Meeting BaaS to take the bot of meetingbaas:${botId} out of its meeting` },
    [{ botId }],
  );

/** How an asset is retried until its deadline (runs since TRANSIENT_PATCH), and where it is told. */
export interface AssetRetryHooks {
  /** The asset's deadline, in seconds after the collection started (FINAL_DATA_DEADLINE_SECONDS). */
  deadlineSeconds: number;
  settings?: AssetRetrySettings;
  /** What an asset is retried for, for the UI's current details (undefined: nothing any more). */
  showWaiting: (topic: string, note: string | undefined) => void;
  /** The view changed (an asset's retry reason): publish it. */
  changed: () => void;
}

export async function collectMeetingBaas(meeting: Meeting, hooks: AssetRetryHooks): Promise<void> {
  const final = meeting.finalData;
  const botId = meeting.view.externalId;
  if (!final) return;
  // Since TRANSIENT_PATCH a transient failure is retried until the deadline; before, one call was a verdict.
  const untilDeadline = patched(TRANSIENT_PATCH);
  const deadlineMs = Date.now() + hooks.deadlineSeconds * 1000;
  const settings = hooks.settings ?? DEFAULT_ASSET_RETRY;
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
        hooks.showWaiting(asset, note);
        hooks.changed();
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

  const [rec, tr] = await Promise.all([recording(), transcript()]);
  meeting.collected({ recording: rec, transcript: tr });
}
