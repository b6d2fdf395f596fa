// A Webex meeting's assets published after its first collection (a recording stopped and restarted, a
// transcript made afterwards): looked for until the asset deadline, woken early by their `created`
// webhooks, and archived as more parts of the meeting's recording and transcript.
import * as wf from '@temporalio/workflow';
import type { WebexRecordingSummary, WebexTranscriptSummary } from '../../activities/webex/activities';
import type { Meeting } from '../../domain/meeting';
import type { RecordingPart, RecordingView, TranscriptView } from '../../domain/view';
import { nextLookDelaySeconds, type WebexCollectionSettings } from '../../domain/webex/collection';
import type { MeetingRunContext } from '../collector';
import { reasonOf } from '../failure';
import { archiveWebexTranscript, listWebexRecordings, listWebexTranscripts } from './activities';
import { archiveRecordingPart, isoIn, type WebexFindings } from './collection';

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
  run: MeetingRunContext,
  findings: WebexFindings,
  finish = true,
): Promise<boolean> {
  const { meeting } = run;
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
    run.publish();
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
      meeting.moreAssetsFound(
        nowIso(),
        [...newRecordings, ...newTranscripts][0]!.id,
        `Webex published ${what.join(' and ')} since the last look`,
      );
      run.publish();
    }
    findings.recordingIds = [...knownRecordings, ...newRecordings.map((r) => r.id)];
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
  run.publish();
  return found;
}

/**
 * After the first collection, until the asset deadline: looks again for recordings and transcripts Webex
 * publishes later (a recording stopped and restarted, a transcript made afterwards), with backoff, woken
 * early by their `created` webhooks; each new one is archived. Stops early if the meeting failed.
 */
export async function watchWebexAssets(
  run: MeetingRunContext,
  settings: WebexCollectionSettings,
  findings: WebexFindings,
  deadlineMs: number,
): Promise<void> {
  const { meeting } = run;
  const published = findings.notified;
  const until = new Date(deadlineMs).toISOString();
  for (let quiet = 1; ;) {
    const left = (deadlineMs - Date.now()) / 1000;
    if (left < 1 || meeting.status === 'failed') return;
    const pause = nextLookDelaySeconds(settings, quiet, left);
    const before = published.recordings + published.transcripts;
    run.showWaiting(
      'more assets',
      `looking for more recordings and transcripts at ${isoIn(pause * 1000)} or when Webex announces one` +
        ` (until ${until})`,
    );
    await wf.condition(() => published.recordings + published.transcripts > before, pause * 1000, {
      summary: `Look for more Webex recordings and transcripts in ${Math.round(pause)} s (or when announced)`,
    });
    run.showWaiting('more assets', undefined);
    quiet = (await run.inFlight(() => collectNewWebexAssets(run, findings))) ? 1 : quiet + 1;
  }
}

/**
 * A meeting back to `collecting` after its collection (a `created` webhook during the linger, or a late one
 * that started a new run): looks a few times, with backoff, for what was announced, then is collected.
 */
export async function collectAnnouncedWebexAssets(
  run: MeetingRunContext,
  settings: WebexCollectionSettings,
  findings: WebexFindings,
): Promise<void> {
  const LOOKS = 3;
  for (let look = 1; look <= LOOKS; look++) {
    if (await collectNewWebexAssets(run, findings, look === LOOKS)) return;
    if (look < LOOKS) {
      const pause = nextLookDelaySeconds(settings, look, settings.assetDeadlineSeconds);
      await wf.sleep(pause * 1000, {
        summary: `Look again in ${pause} s for the recording or transcript Webex announced`,
      });
    }
  }
}
