// Collection of a Meeting BaaS meeting once its final data is announced.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StoredRecordingUrl } from '../activities/meetingbaas/provider';
import type { Meeting } from '../domain/meeting';
import type { RecordingView, TranscriptView } from '../domain/view';
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

export async function collectMeetingBaas(meeting: Meeting): Promise<void> {
  const final = meeting.finalData;
  const botId = meeting.view.externalId;
  if (!final) return;

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
    try {
      const archive = await archiveRecording.executeWithOptions(
        { summary: `Download the recording of meetingbaas:${botId} into the archive` },
        [
          {
            provider: 'meetingbaas',
            externalId: botId,
            ...source,
            urlExpiresAt: final.recording.urlExpiresAt,
          },
        ],
      );
      return { ...base, status: 'archived', archive };
    } catch (err) {
      return { ...base, status: 'unavailable', reason: `download failed: ${reasonOf(err)}` };
    }
  };

  const transcript = async (): Promise<TranscriptView | undefined> => {
    if (meeting.view.transcript?.status !== 'pending' || !final.payloadRef) return undefined;
    try {
      const result = await archiveMeetingBaasTranscript.executeWithOptions(
        { summary: `Normalise and archive the transcript of meetingbaas:${botId}` },
        [{ botId, payloadRef: final.payloadRef }],
      );
      return { status: 'archived', ...result };
    } catch (err) {
      return { status: 'unavailable', reason: `transcript could not be archived: ${reasonOf(err)}` };
    }
  };

  const [rec, tr] = await Promise.all([recording(), transcript()]);
  meeting.collected({ recording: rec, transcript: tr });
}
