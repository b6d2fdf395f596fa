// Collection of a Meeting BaaS meeting once its final data is announced.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Meeting } from '../domain/meeting';
import type { RecordingView, TranscriptView } from '../domain/view';

// The mp4 URL of `complete` lives 2 hours: retrying past that cannot succeed with the same URL.
const { archiveRecording } = proxyActivities<Activities>({
  summary: 'Download the recording into the archive',
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '2 hours',
  // Progress is heartbeated every second while bytes flow; a download silent this long is stuck or its
  // worker gone.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Reads the archived body and writes the transcript: only local I/O, so retry until it works.
const { archiveMeetingBaasTranscript } = proxyActivities<Activities>({
  summary: 'Normalise and archive the transcript',
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Why an activity gave up, in words for the MeetingView. */
function reasonOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function collectMeetingBaas(meeting: Meeting): Promise<void> {
  const final = meeting.finalData;
  const botId = meeting.view.externalId;
  if (!final) return;

  const recording = async (): Promise<RecordingView | undefined> => {
    if (meeting.view.recording?.status !== 'pending' || !final.recording?.url) return undefined;
    const base = { sourceUrlExpiresAt: final.recording.urlExpiresAt };
    try {
      const archive = await archiveRecording({
        provider: 'meetingbaas',
        externalId: botId,
        url: final.recording.url,
      });
      return { ...base, status: 'archived', archive };
    } catch (err) {
      return { ...base, status: 'unavailable', reason: `download failed: ${reasonOf(err)}` };
    }
  };

  const transcript = async (): Promise<TranscriptView | undefined> => {
    if (meeting.view.transcript?.status !== 'pending' || !final.payloadRef) return undefined;
    try {
      const result = await archiveMeetingBaasTranscript({ botId, payloadRef: final.payloadRef });
      return { status: 'archived', ...result };
    } catch (err) {
      return { status: 'unavailable', reason: `transcript could not be archived: ${reasonOf(err)}` };
    }
  };

  const [rec, tr] = await Promise.all([recording(), transcript()]);
  meeting.collected({ recording: rec, transcript: tr });
}
