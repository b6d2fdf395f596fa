// Collection of a Webex meeting once it ended: Webex publishes recordings and transcripts on its own
// schedule, so each is looked for with backoff (woken early by its `created` webhook) until a deadline,
// while the participant list, available at once, is archived in parallel.
import * as wf from '@temporalio/workflow';
import { DEFAULT_ASSET_RETRY } from '../../domain/asset-retry';
import type { ThrownFailureType } from '../../domain/failures';
import { redactUrlsInText } from '../../domain/redact';
import type { ParticipantsView, RecordingPart, RecordingView, TranscriptView } from '../../domain/view';
import {
  nextLookDelaySeconds,
  notPublishedReason,
  type WebexCollectionSettings,
} from '../../domain/webex/collection';
import { retryOrThrow } from '../asset-retry';
import type { MeetingRunContext } from '../collector';
import { classified, isPermanent, reasonOf } from '../failure';
import { TRANSIENT_PATCH, WEBEX_LIST_RETRY_PATCH } from '../patches';
import { shown } from '../shown';
import {
  archiveWebexParticipants,
  archiveWebexRecording,
  archiveWebexTranscript,
  listWebexRecordings,
  listWebexTranscripts,
} from './activities';

/** How many `created` webhooks of each asset the meeting has had: a new one ends the current pause. */
export interface PublishedCounters {
  recordings: number;
  transcripts: number;
}

/** What the collection found out so far, carried from run to run (continue-as-new). */
export interface WebexFindings {
  notified: PublishedCounters;
  /** Every recording id known so far (for the refreshRecordingUrl Update). */
  recordingIds: string[];
}

/** A permanent error that stopped a part: if no part could be archived, the meeting fails with it. */
type Outcome<V> = { view: V; permanentError?: unknown };

/** Tells the meeting's current details what a part of the collection waits for (undefined: nothing). */
export type ShowWaiting = (topic: string, note: string | undefined) => void;

/**
 * Looks with `list` until it finds something, the deadline passes (empty list) or it fails for good. Since
 * WEBEX_LIST_RETRY_PATCH a transient failure of a look (the activity's own retries spent: an hour of 5xx)
 * is one more empty look: looked at again on the backoff, until the deadline, where it is the reason.
 */
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
      let items: T[] = [];
      let failed: string | undefined;
      try {
        items = await list(emptyLooks);
      } catch (err) {
        if (wf.isCancellation(err)) throw err;
        const failure = classified(err);
        if (!failure.retryable || Date.now() >= deadlineMs || !wf.patched(WEBEX_LIST_RETRY_PATCH)) throw err;
        failed = `${failure.wording} (${failure.type})`;
      }
      const left = (deadlineMs - Date.now()) / 1000;
      if (items.length || left <= 0) return items;
      const pause = nextLookDelaySeconds(settings, emptyLooks, left);
      const next = isoIn(pause * 1000);
      showWaiting(
        what,
        (failed
          ? `Webex's ${what} list could not be read (${failed}): looking again at ${next}`
          : `Webex has not published the ${what} yet: looking again at ${next}`) +
          ` or when Webex announces it (gives up at ${new Date(deadlineMs).toISOString()})`,
      );
      await wf.condition(() => notified() > before, pause * 1000, {
        summary: `Look for the Webex ${what} again in ${pause} s (or when announced)`,
      });
    }
  } finally {
    showWaiting(what, undefined);
  }
}

export const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Activity options of one round (see workflows/asset-retry.ts). */
type RoundOptions = { scheduleToCloseTimeout?: number; retry?: { maximumAttempts: number } };
/** How an asset's activity is called: once (its failure a verdict), or retried until the asset's deadline. */
type Through = <T>(
  asset: 'recording' | 'transcript' | 'participants',
  topic: string,
  call: (options: RoundOptions) => Promise<T>,
) => Promise<T>;
const once: Through = (_asset, _topic, call) => call({});

/** One recording file into the archive; a failed download is a part `unavailable` with its reason. */
export async function archiveRecordingPart(
  meetingId: string,
  id: string,
  through: Through = once,
): Promise<RecordingPart & { expiresAt?: string }> {
  try {
    const summary = `Download recording ${id} of webex:${meetingId} into the archive`;
    const { durationSeconds, linkExpiresAt, ...archive } = await through(
      'recording',
      `recording ${id}`,
      (o) => archiveWebexRecording.executeWithOptions({ summary, ...o }, [{ meetingId, recordingId: id }]),
    );
    return { id, status: 'archived', archive, durationSeconds, expiresAt: linkExpiresAt };
  } catch (err) {
    return { id, status: 'unavailable', reason: `download failed: ${reasonOf(err)}` };
  }
}

/**
 * The first collection: each asset looked for until found or the deadline, then archived. Returns the
 * deadline, until which `watchWebexAssets` keeps looking for more.
 */
export async function collectWebex(
  run: MeetingRunContext,
  settings: WebexCollectionSettings,
  findings: WebexFindings,
): Promise<{ deadlineMs: number }> {
  const { meeting } = run;
  const published = findings.notified;
  const showWaiting: ShowWaiting = (topic, note) => run.showWaiting(topic, note);
  const meetingId = meeting.view.externalId;
  const deadlineMs = Date.now() + settings.assetDeadlineSeconds * 1000;
  // Since TRANSIENT_PATCH a transient failure is retried until the asset deadline; before, one call was a
  // verdict.
  const retry = run.input.assetRetry ?? DEFAULT_ASSET_RETRY;
  const through: Through = wf.patched(TRANSIENT_PATCH)
    ? (asset, topic, call) =>
        retryOrThrow(
          topic,
          deadlineMs,
          retry,
          (leftMs) =>
            call({ scheduleToCloseTimeout: leftMs, retry: { maximumAttempts: retry.attemptsPerRound } }),
          (note) => {
            meeting.retrying(asset, note);
            showWaiting(topic, note);
          },
        )
    : once;

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
    findings.recordingIds = listed.map((r) => r.id);
    const parts = await Promise.all(listed.map(({ id }) => archiveRecordingPart(meetingId, id, through)));
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
      const summary = `Download transcript ${first.id} of webex:${meetingId} (VTT and TXT) into the archive`;
      const archived = await through('transcript', 'transcript', (o) =>
        archiveWebexTranscript.executeWithOptions({ summary, ...o }, [
          {
            meetingId,
            transcriptId: first.id,
            vttDownloadLink: first.vttDownloadLink,
            txtDownloadLink: first.txtDownloadLink,
          },
        ]),
      );
      return { view: { status: 'archived', ...archived, id: first.id } };
    } catch (err) {
      return {
        view: { status: 'unavailable', reason: `transcript could not be archived: ${reasonOf(err)}` },
        permanentError: isPermanent(err) ? err : undefined,
      };
    }
  };

  const participants = async (): Promise<Outcome<ParticipantsView>> => {
    try {
      const summary = `Download the participant list of webex:${meetingId} into the archive`;
      const archived = await through('participants', 'participants', (o) =>
        archiveWebexParticipants.executeWithOptions({ summary, ...o }, [{ meetingId }]),
      );
      return { view: { status: 'archived', ...archived } };
    } catch (err) {
      return {
        view: { status: 'unavailable', reason: `participants could not be archived: ${reasonOf(err)}` },
        permanentError: isPermanent(err) ? err : undefined,
      };
    }
  };

  // Each asset shows in the view as soon as it is done; the meeting is collected once all three are.
  const [rec, tr, people] = await Promise.all([
    recording().then((o) => ({ ...o, view: shown(run, 'recording', o.view) })),
    transcript().then((o) => ({ ...o, view: shown(run, 'transcript', o.view) })),
    participants().then((o) => ({ ...o, view: shown(run, 'participants', o.view) })),
  ]);
  const outcomes = [rec, tr, people];
  const nothingArchived = outcomes.every((o) => o.view.status !== 'archived');
  const blocking = outcomes.find((o) => o.permanentError !== undefined)?.permanentError;
  meeting.collected({
    recording: rec.view,
    transcript: tr.view,
    participants: people.view,
    failure: nothingArchived && blocking !== undefined ? failureOf(blocking) : undefined,
  });
  return { deadlineMs };
}

/** The meeting's error code when a permanent failure of this type stopped every asset. */
const FAILED_COLLECTION_CODES: Partial<Record<ThrownFailureType, string>> = {
  WebexUnauthorized: 'provider_unauthorized',
  ProviderNotConfigured: 'provider_not_configured',
};

function failureOf(err: unknown): { code: string; message: string } {
  const cause = err instanceof wf.ActivityFailure ? err.cause : err;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  const message = redactUrlsInText(cause instanceof Error ? cause.message : String(cause));
  const code = type ? FAILED_COLLECTION_CODES[type as ThrownFailureType] : undefined;
  return code ? { code, message } : { code: 'collection_failed', message: reasonOf(err) };
}
