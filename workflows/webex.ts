// Collection of a Webex meeting once it ended: Webex publishes recordings and transcripts on its own
// schedule, so each is looked for with backoff (woken early by its `created` webhook) until a deadline,
// while the participant list, available at once, is archived in parallel.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Meeting } from '../domain/meeting';
import { redactUrlsInText } from '../domain/redact';
import type { ParticipantsView, RecordingPart, RecordingView, TranscriptView } from '../domain/view';
import {
  nextLookDelaySeconds,
  notPublishedReason,
  type WebexCollectionSettings,
} from '../domain/webex/collection';
import { isPermanent, reasonOf } from './failure';

// Questions to Webex's API: 429/423 wait as Retry-After says, 5xx back off, 401/403/404 are not retried.
const { listWebexRecordings, listWebexTranscripts } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// An expired direct link is renewed inside the activity (Webex's links last 3 hours).
const { archiveWebexRecording } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '6 hours',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { archiveWebexTranscript, archiveWebexParticipants } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// An Update caller is waiting: give up within a couple of minutes.
const { refreshWebexRecordingUrl: refreshRecordingLink } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});
export const refreshWebexRecordingUrl = (meetingId: string, recordingId: string) =>
  refreshRecordingLink.executeWithOptions(
    { summary: `Get a fresh link to recording ${recordingId} of webex:${meetingId} from Webex` },
    [{ recordingId }],
  );

/** How many `created` webhooks of each asset the meeting has had: a new one ends the current pause. */
export interface PublishedCounters {
  recordings: number;
  transcripts: number;
}

/** A permanent error that stopped a part: if no part could be archived, the meeting fails with it. */
type Outcome<V> = { view: V; permanentError?: unknown };

/** Tells the meeting's current details what a part of the collection waits for (undefined: nothing). */
export type ShowWaiting = (topic: string, note: string | undefined) => void;

/** Looks with `list` until it finds something, the deadline passes (empty list) or it fails. */
async function lookUntilPublished<T>(
  what: 'recording' | 'transcript',
  list: (look: number) => Promise<T[]>,
  notified: () => number,
  settings: WebexCollectionSettings,
  deadlineMs: number,
  showWaiting: ShowWaiting,
): Promise<T[]> {
  try {
    for (let emptyLooks = 1; ; emptyLooks++) {
      const before = notified();
      const items = await list(emptyLooks);
      const left = (deadlineMs - Date.now()) / 1000;
      if (items.length || left <= 0) return items;
      const pause = nextLookDelaySeconds(settings, emptyLooks, left);
      const next = isoIn(pause * 1000);
      showWaiting(
        what,
        `Webex has not published the ${what} yet: looking again at ${next} or when Webex announces it` +
          ` (gives up at ${new Date(deadlineMs).toISOString()})`,
      );
      await wf.condition(() => notified() > before, pause * 1000, {
        summary: `Look for the Webex ${what} again in ${pause} s (or when announced)`,
      });
    }
  } finally {
    showWaiting(what, undefined);
  }
}

const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

export async function collectWebex(
  meeting: Meeting,
  settings: WebexCollectionSettings,
  published: PublishedCounters,
  onRecordingIds: (ids: string[]) => void,
  showWaiting: ShowWaiting,
): Promise<void> {
  const meetingId = meeting.view.externalId;
  const deadlineMs = Date.now() + settings.assetDeadlineSeconds * 1000;

  const recording = async (): Promise<Outcome<RecordingView>> => {
    let listed;
    try {
      listed = await lookUntilPublished(
        'recording',
        (look) =>
          listWebexRecordings.executeWithOptions(
            { summary: `List the recordings Webex published for webex:${meetingId} (look ${look})` },
            [{ meetingId }],
          ),
        () => published.recordings,
        settings,
        deadlineMs,
        showWaiting,
      );
    } catch (err) {
      return {
        view: { status: 'unavailable', reason: `recordings could not be listed: ${reasonOf(err)}` },
        permanentError: isPermanent(err) ? err : undefined,
      };
    }
    if (!listed.length)
      return {
        view: {
          status: 'unavailable',
          reason: notPublishedReason('recording', settings.assetDeadlineSeconds),
        },
      };
    onRecordingIds(listed.map((r) => r.id));
    const parts = await Promise.all(
      listed.map(async ({ id }): Promise<RecordingPart & { expiresAt?: string }> => {
        try {
          const { durationSeconds, linkExpiresAt, ...archive } =
            await archiveWebexRecording.executeWithOptions(
              { summary: `Download recording ${id} of webex:${meetingId} into the archive` },
              [{ meetingId, recordingId: id }],
            );
          return { id, status: 'archived', archive, durationSeconds, expiresAt: linkExpiresAt };
        } catch (err) {
          return { id, status: 'unavailable', reason: `download failed: ${reasonOf(err)}` };
        }
      }),
    );
    const archived = parts.filter((p) => p.status === 'archived');
    const failed = parts.filter((p) => p.status !== 'archived');
    const view: RecordingView = {
      status: archived.length ? 'archived' : 'unavailable',
      archive: archived[0]?.archive,
      sourceUrlExpiresAt: archived[0]?.expiresAt,
      durationSeconds: archived.reduce((sum, p) => sum + (p.durationSeconds ?? 0), 0) || undefined,
      parts: parts.map(({ expiresAt: _, ...part }) => part),
      ...(failed.length
        ? { reason: `${failed.length} of ${parts.length} recording files could not be archived` }
        : {}),
    };
    return { view };
  };

  const transcript = async (): Promise<Outcome<TranscriptView>> => {
    try {
      const [first] = await lookUntilPublished(
        'transcript',
        (look) =>
          listWebexTranscripts.executeWithOptions(
            { summary: `List the transcripts Webex published for webex:${meetingId} (look ${look})` },
            [{ meetingId }],
          ),
        () => published.transcripts,
        settings,
        deadlineMs,
        showWaiting,
      );
      if (!first)
        return {
          view: {
            status: 'unavailable',
            reason: notPublishedReason('transcript', settings.assetDeadlineSeconds),
          },
        };
      const archived = await archiveWebexTranscript.executeWithOptions(
        { summary: `Download transcript ${first.id} of webex:${meetingId} (VTT and TXT) into the archive` },
        [
          {
            meetingId,
            transcriptId: first.id,
            vttDownloadLink: first.vttDownloadLink,
            txtDownloadLink: first.txtDownloadLink,
          },
        ],
      );
      return { view: { status: 'archived', ...archived } };
    } catch (err) {
      return {
        view: { status: 'unavailable', reason: `transcript could not be archived: ${reasonOf(err)}` },
        permanentError: isPermanent(err) ? err : undefined,
      };
    }
  };

  const participants = async (): Promise<Outcome<ParticipantsView>> => {
    try {
      const archived = await archiveWebexParticipants.executeWithOptions(
        { summary: `Download the participant list of webex:${meetingId} into the archive` },
        [{ meetingId }],
      );
      return { view: { status: 'archived', ...archived } };
    } catch (err) {
      return {
        view: { status: 'unavailable', reason: `participants could not be archived: ${reasonOf(err)}` },
        permanentError: isPermanent(err) ? err : undefined,
      };
    }
  };

  const [rec, tr, people] = await Promise.all([recording(), transcript(), participants()]);
  const outcomes = [rec, tr, people];
  const nothingArchived = outcomes.every((o) => o.view.status !== 'archived');
  const blocking = outcomes.find((o) => o.permanentError !== undefined)?.permanentError;
  meeting.collected({
    recording: rec.view,
    transcript: tr.view,
    participants: people.view,
    failure: nothingArchived && blocking !== undefined ? failureOf(blocking) : undefined,
  });
}

function failureOf(err: unknown): { code: string; message: string } {
  const cause = err instanceof wf.ActivityFailure ? err.cause : err;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  const message = redactUrlsInText(cause instanceof Error ? cause.message : String(cause));
  if (type === 'WebexUnauthorized') return { code: 'provider_unauthorized', message };
  if (type === 'ProviderNotConfigured') return { code: 'provider_not_configured', message };
  return { code: 'collection_failed', message: reasonOf(err) };
}
