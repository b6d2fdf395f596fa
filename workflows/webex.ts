// Collection of a Webex meeting once it ended: Webex publishes recordings and transcripts on its own
// schedule, so each is looked for with backoff (woken early by its `created` webhook) until a deadline,
// while the participant list, available at once, is archived in parallel.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WebexRecordingSummary, WebexTranscriptSummary } from '../activities/webex/activities';
import type { ProviderEvent } from '../domain/events';
import { DEFAULT_ASSET_RETRY, type AssetRetrySettings } from '../domain/asset-retry';
import type { Meeting } from '../domain/meeting';
import { redactUrlsInText } from '../domain/redact';
import type { ParticipantsView, RecordingPart, RecordingView, TranscriptView } from '../domain/view';
import {
  nextLookDelaySeconds,
  notPublishedReason,
  type WebexCollectionSettings,
} from '../domain/webex/collection';
import { retryOrThrow, TRANSIENT_PATCH } from './asset-retry';
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
async function archiveRecordingPart(
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
  meeting: Meeting,
  settings: WebexCollectionSettings,
  published: PublishedCounters,
  onRecordingIds: (ids: string[]) => void,
  showWaiting: ShowWaiting,
  assetRetry?: AssetRetrySettings,
): Promise<{ deadlineMs: number }> {
  const meetingId = meeting.view.externalId;
  const deadlineMs = Date.now() + settings.assetDeadlineSeconds * 1000;
  // Since TRANSIENT_PATCH a transient failure is retried until the asset deadline; before, one call was a
  // verdict.
  const retry = assetRetry ?? DEFAULT_ASSET_RETRY;
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
    onRecordingIds(listed.map((r) => r.id));
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
  return { deadlineMs };
}

/** What looking for more assets needs from the meeting's workflow. */
export interface WebexLateHooks {
  /** Applies an event of the workflow's own (as if signalled) and publishes the view. */
  apply: (event: ProviderEvent) => void;
  /** Publishes the view after a change. */
  changed: () => void;
  /** Every recording id known so far (for the refreshRecordingUrl Update). */
  onRecordingIds: (ids: string[]) => void;
  showWaiting: ShowWaiting;
}

const nowIso = () => new Date(Date.now()).toISOString();

const knownRecordingIds = (meeting: Meeting) => (meeting.view.recording?.parts ?? []).map((p) => p.id);

/** Transcripts already collected; one archived before ids were kept is taken to be the first listed. */
function knownTranscriptIds(meeting: Meeting, listed: WebexTranscriptSummary[]): Set<string> {
  const t = meeting.view.transcript;
  const ids = new Set((t?.parts ?? []).map((p) => p.id));
  if (t?.id) ids.add(t.id);
  if (t?.status === 'archived' && !ids.size && listed[0]) ids.add(listed[0].id);
  return ids;
}

type TranscriptPart = NonNullable<TranscriptView['parts']>[number];

/** The recording view with `added` parts after the ones it had: the first archived file stays the main one. */
function withRecordingParts(
  view: RecordingView | undefined,
  added: Array<RecordingPart & { expiresAt?: string }>,
): RecordingView {
  const parts = [...(view?.parts ?? []), ...added.map(({ expiresAt: _, ...part }) => part)];
  const archived = parts.filter((p) => p.status === 'archived');
  const failed = parts.length - archived.length;
  const duration = archived.reduce((sum, p) => sum + (p.durationSeconds ?? 0), 0);
  const sourceUrlExpiresAt =
    view?.status === 'archived'
      ? view.sourceUrlExpiresAt
      : added.find((p) => p.status === 'archived')?.expiresAt;
  return {
    status: archived.length ? 'archived' : 'unavailable',
    ...(archived[0]?.archive ? { archive: archived[0].archive } : {}),
    ...(sourceUrlExpiresAt ? { sourceUrlExpiresAt } : {}),
    ...(duration ? { durationSeconds: duration } : {}),
    parts,
    ...(failed ? { reason: `${failed} of ${parts.length} recording files could not be archived` } : {}),
  };
}

/** The transcript view with `added` transcripts in its parts: the first archived one stays the main one. */
function withTranscriptParts(view: TranscriptView | undefined, added: TranscriptPart[]): TranscriptView {
  const { parts: before = [], ...main } = view ?? { status: 'unavailable' as const };
  const first: TranscriptPart[] =
    !before.length && main.status === 'archived' ? [{ ...main, id: main.id ?? 'first' }] : [];
  const parts = [...first, ...before, ...added];
  if (main.status === 'archived') return { ...main, parts };
  const archived = parts.find((p) => p.status === 'archived');
  if (!archived) return { ...main, parts };
  const rest: TranscriptView = { ...archived };
  delete rest.reason;
  return { ...rest, parts };
}

/**
 * One look for recordings and transcripts not collected yet (ids not in the view); any found are archived,
 * the meeting going back to `collecting` meanwhile. With `finish`, a `collecting` meeting is then
 * `collected` even if nothing new was found (the announcement was of an asset already archived).
 * Resolves to whether something new was found.
 */
export async function collectNewWebexAssets(
  meeting: Meeting,
  hooks: WebexLateHooks,
  finish = true,
): Promise<boolean> {
  const meetingId = meeting.view.externalId;
  let recordings: WebexRecordingSummary[] = [];
  let transcripts: WebexTranscriptSummary[] = [];
  try {
    [recordings, transcripts] = await Promise.all([
      listWebexRecordings.executeWithOptions(
        { summary: `List the recordings Webex published for webex:${meetingId} (looking for more)` },
        [{ meetingId }],
      ),
      listWebexTranscripts.executeWithOptions(
        { summary: `List the transcripts Webex published for webex:${meetingId} (looking for more)` },
        [{ meetingId }],
      ),
    ]);
  } catch (err) {
    meeting.remark({ at: nowIso(), code: 'asset_look_failed', source: 'api', note: reasonOf(err) });
    hooks.changed();
  }
  const knownRecordings = new Set(knownRecordingIds(meeting));
  const knownTranscripts = knownTranscriptIds(meeting, transcripts);
  const newRecordings = recordings.filter((r) => !knownRecordings.has(r.id));
  const newTranscripts = transcripts.filter((t) => !knownTranscripts.has(t.id));
  const found = newRecordings.length + newTranscripts.length > 0;
  if (found) {
    if (meeting.status !== 'collecting') {
      const what = [
        newRecordings.length ? `${newRecordings.length} more recording(s)` : '',
        newTranscripts.length ? `${newTranscripts.length} more transcript(s)` : '',
      ].filter(Boolean);
      hooks.apply({
        provider: 'webex',
        externalId: meetingId,
        kind: 'asset_published',
        code: 'more_assets_found',
        receivedAt: nowIso(),
        source: 'api',
        dedupeKey: `more_assets_found:${[...newRecordings, ...newTranscripts][0]!.id}`,
        note: `Webex published ${what.join(' and ')} since the last look`,
      });
    }
    hooks.onRecordingIds([...knownRecordings, ...newRecordings.map((r) => r.id)]);
    const mainTranscript = meeting.view.transcript?.status === 'archived';
    const [recordingParts, transcriptParts] = await Promise.all([
      Promise.all(newRecordings.map(({ id }) => archiveRecordingPart(meetingId, id))),
      Promise.all(
        newTranscripts.map(async (t, i): Promise<TranscriptPart> => {
          try {
            const archived = await archiveWebexTranscript.executeWithOptions(
              {
                summary: `Download transcript ${t.id} of webex:${meetingId} (VTT and TXT) into the archive`,
              },
              [
                {
                  meetingId,
                  transcriptId: t.id,
                  vttDownloadLink: t.vttDownloadLink,
                  txtDownloadLink: t.txtDownloadLink,
                  ...(mainTranscript || i > 0 ? { named: true } : {}),
                },
              ],
            );
            return { id: t.id, status: 'archived', ...archived };
          } catch (err) {
            return {
              id: t.id,
              status: 'unavailable',
              reason: `transcript could not be archived: ${reasonOf(err)}`,
            };
          }
        }),
      ),
    ]);
    meeting.collected({
      ...(recordingParts.length
        ? { recording: withRecordingParts(meeting.view.recording, recordingParts) }
        : {}),
      ...(transcriptParts.length
        ? { transcript: withTranscriptParts(meeting.view.transcript, transcriptParts) }
        : {}),
    });
  } else if (finish && meeting.status === 'collecting') {
    meeting.collected({});
  }
  hooks.changed();
  return found;
}

/**
 * After the first collection, until the asset deadline: looks again for recordings and transcripts Webex
 * publishes later (a recording stopped and restarted, a transcript made afterwards), with backoff, woken
 * early by their `created` webhooks; each new one is archived. Stops early if the meeting failed.
 */
export async function watchWebexAssets(
  meeting: Meeting,
  settings: WebexCollectionSettings,
  published: PublishedCounters,
  deadlineMs: number,
  hooks: WebexLateHooks,
): Promise<void> {
  const until = new Date(deadlineMs).toISOString();
  for (let quiet = 1; ;) {
    const left = (deadlineMs - Date.now()) / 1000;
    if (left < 1 || meeting.status === 'failed') return;
    const pause = nextLookDelaySeconds(settings, quiet, left);
    const before = published.recordings + published.transcripts;
    hooks.showWaiting(
      'more assets',
      `looking for more recordings and transcripts at ${isoIn(pause * 1000)} or when Webex announces one` +
        ` (until ${until})`,
    );
    await wf.condition(() => published.recordings + published.transcripts > before, pause * 1000, {
      summary: `Look for more Webex recordings and transcripts in ${Math.round(pause)} s (or when announced)`,
    });
    hooks.showWaiting('more assets', undefined);
    quiet = (await collectNewWebexAssets(meeting, hooks)) ? 1 : quiet + 1;
  }
}

/**
 * A meeting back to `collecting` after its collection (a `created` webhook during the linger, or a late one
 * that started a new run): looks a few times, with backoff, for what was announced, then is collected.
 */
export async function collectAnnouncedWebexAssets(
  meeting: Meeting,
  settings: WebexCollectionSettings,
  hooks: WebexLateHooks,
): Promise<void> {
  const LOOKS = 3;
  for (let look = 1; look <= LOOKS; look++) {
    if (await collectNewWebexAssets(meeting, hooks, look === LOOKS)) return;
    if (look < LOOKS) {
      const pause = nextLookDelaySeconds(settings, look, settings.assetDeadlineSeconds);
      await wf.sleep(pause * 1000, {
        summary: `Look again in ${pause} s for the recording or transcript Webex announced`,
      });
    }
  }
}

function failureOf(err: unknown): { code: string; message: string } {
  const cause = err instanceof wf.ActivityFailure ? err.cause : err;
  const type = cause instanceof wf.ApplicationFailure ? cause.type : undefined;
  const message = redactUrlsInText(cause instanceof Error ? cause.message : String(cause));
  if (type === 'WebexUnauthorized') return { code: 'provider_unauthorized', message };
  if (type === 'ProviderNotConfigured') return { code: 'provider_not_configured', message };
  return { code: 'collection_failed', message: reasonOf(err) };
}
