// The Webex activities the meeting workflow proxies: list and archive a meeting's recordings, transcript and
// participants, refresh a recording's direct download link, and turn auto-recording on for a scheduled
// meeting. Only references, counts and names go back to the workflow; the data goes to the archive.
import { Context, log } from '@temporalio/activity';
import type { ArchiveRef } from '../../domain/archive-ref';
import type { WebexRecordingDetails } from '../../domain/webex/api';
import { parseWebexMeetingId } from '../../domain/webex/ids';
import { snippetsToTranscript } from '../../domain/webex/transcript';
import type { Archive } from '../../platform/archive';
import { activityFailure } from '../failure';
import { downloadToArchive } from '../recording';
import type { WebexClient } from './client';

export interface WebexActivityDeps {
  archive: Archive;
  /** Hosts the recordings' direct download links may point to. */
  allowedHosts: readonly string[];
  webex: WebexClient;
}

export interface WebexRecordingSummary {
  id: string;
  durationSeconds?: number;
  sizeBytes?: number;
  createTime?: string;
  topic?: string;
}

export interface WebexTranscriptSummary {
  id: string;
  vttDownloadLink: string;
  txtDownloadLink: string;
  startTime?: string;
}

export interface ArchivedWebexTranscript {
  /** The normalized transcript (JSON). */
  archive: ArchiveRef;
  files: { vtt: ArchiveRef; txt: ArchiveRef };
  utterances: number;
  speakers: string[];
}

/** Webex documents direct download links as valid 3 hours; used when an answer gives no expiration. */
const LINK_LIFETIME_MS = 3 * 3600_000;
// Ids become archive path segments: nothing that could climb out of the meeting's folder.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkId(id: string, what: string): void {
  if (!SAFE_ID.test(id) || id.includes('..')) {
    throw activityFailure('InvalidId', `not a valid Webex ${what}: ${id.slice(0, 100)}`);
  }
}

const isAvailable = (item: { status?: string }) => item.status === undefined || item.status === 'available';

/** An ISO expiry, or undefined when absent or unreadable. */
function expiryOf(details: WebexRecordingDetails): string | undefined {
  const at = Date.parse(details.temporaryDirectDownloadLinks?.expiration ?? '');
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

function downloadLink(details: WebexRecordingDetails): string {
  const link = details.temporaryDirectDownloadLinks?.recordingDownloadLink;
  if (!link) {
    throw activityFailure(
      'NoDownloadLink',
      `Webex gives no direct download link for recording ${details.id}: the token's user must be the meeting's host or an admin (meeting:admin_recordings_read), and downloading must not be prevented`,
    );
  }
  return link;
}

export function webexActivities({ archive, allowedHosts, webex }: WebexActivityDeps) {
  return {
    /** The meeting's published recordings (status available), in the order they were recorded. */
    async listWebexRecordings({ meetingId }: { meetingId: string }): Promise<WebexRecordingSummary[]> {
      const recordings = (await webex.listRecordings(meetingId)).filter(isAvailable);
      const when = (r: { timeRecorded?: string; createTime?: string }) =>
        Date.parse(r.timeRecorded ?? r.createTime ?? '') || 0;
      return recordings
        .map((r, i) => ({ r, i }))
        .sort((a, b) => when(a.r) - when(b.r) || a.i - b.i)
        .map(({ r }) => ({
          id: r.id,
          durationSeconds: r.durationSeconds,
          sizeBytes: r.sizeBytes,
          createTime: r.createTime,
          topic: r.topic,
        }));
    },

    /**
     * Streams one recording into the archive (`webex/<meetingId>/recording-<recordingId>.mp4`) through its
     * direct download link, which is fetched again when about to expire or refused by the storage.
     */
    async archiveWebexRecording({
      meetingId,
      recordingId,
    }: {
      meetingId: string;
      recordingId: string;
    }): Promise<ArchiveRef & { durationSeconds?: number; linkExpiresAt?: string }> {
      checkId(meetingId, 'meeting id');
      checkId(recordingId, 'recording id');
      let details = await webex.recordingDetails(recordingId);
      const ref = await downloadToArchive({
        archive,
        allowedHosts,
        key: `webex/${meetingId}/recording-${recordingId}.mp4`,
        url: downloadLink(details),
        urlExpiresAt: expiryOf(details),
        refresh: async (why) => {
          log.info('fetching the Webex recording details again for a new download link', {
            meetingId,
            recordingId,
            why,
          });
          details = await webex.recordingDetails(recordingId);
          return downloadLink(details);
        },
      });
      return { ...ref, durationSeconds: details.durationSeconds, linkExpiresAt: expiryOf(details) };
    },

    /** A new direct download link of a recording, and when it stops working. */
    async refreshWebexRecordingUrl({
      recordingId,
    }: {
      recordingId: string;
    }): Promise<{ url: string; expiresAt: string }> {
      const details = await webex.recordingDetails(recordingId);
      const url = downloadLink(details);
      return { url, expiresAt: expiryOf(details) ?? new Date(Date.now() + LINK_LIFETIME_MS).toISOString() };
    },

    /**
     * Where Webex says a meeting instance stands (`GET /meetings/{id}` `state`: `inProgress`, `ended`, …),
     * for the live watchdog of a meeting whose `ended` webhook may have been lost.
     */
    async webexMeetingState({ meetingId }: { meetingId: string }): Promise<{ state?: string }> {
      const meeting = await webex.meeting(meetingId);
      return { state: meeting.state };
    },

    /** The meeting's published transcripts (status available). */
    async listWebexTranscripts({ meetingId }: { meetingId: string }): Promise<WebexTranscriptSummary[]> {
      return (await webex.listTranscripts(meetingId)).filter(isAvailable).map((t) => ({
        id: t.id,
        vttDownloadLink: t.vttDownloadLink,
        txtDownloadLink: t.txtDownloadLink,
        startTime: t.startTime,
      }));
    },

    /**
     * Archives a transcript as Webex gives it (VTT, TXT) and normalized from its snippets (JSON with
     * speaker names): `webex/<meetingId>/transcript.{vtt,txt,json}`, or with `named`, a meeting's further
     * transcript: `webex/<meetingId>/transcript-<transcriptId>.{vtt,txt,json}`.
     */
    async archiveWebexTranscript({
      meetingId,
      transcriptId,
      vttDownloadLink,
      txtDownloadLink,
      named,
    }: {
      meetingId: string;
      transcriptId: string;
      vttDownloadLink: string;
      txtDownloadLink: string;
      named?: boolean;
    }): Promise<ArchivedWebexTranscript> {
      checkId(meetingId, 'meeting id');
      if (named) checkId(transcriptId, 'transcript id');
      const base = named ? `webex/${meetingId}/transcript-${transcriptId}` : `webex/${meetingId}/transcript`;
      const ctx = Context.current();
      const vtt = await webex.downloadTranscript(transcriptId, vttDownloadLink, 'vtt');
      ctx.heartbeat({ step: 'vtt' });
      const txt = await webex.downloadTranscript(transcriptId, txtDownloadLink, 'txt');
      ctx.heartbeat({ step: 'txt' });
      const snippets = await webex.listSnippets(transcriptId, (n) => ctx.heartbeat({ step: 'snippets', n }));
      const transcript = snippetsToTranscript(snippets);
      const files = {
        vtt: await archive.putBytes(`${base}.vtt`, vtt),
        txt: await archive.putBytes(`${base}.txt`, txt),
      };
      const ref = await archive.putJson(`${base}.json`, {
        provider: 'webex',
        externalId: meetingId,
        transcriptId,
        ...transcript,
      });
      return { archive: ref, files, utterances: transcript.utterances.length, speakers: transcript.speakers };
    },

    /** Archives every participant as received (devices, join and leave times) at `webex/<id>/participants.json`. */
    async archiveWebexParticipants({
      meetingId,
    }: {
      meetingId: string;
    }): Promise<{ archive: ArchiveRef; count: number }> {
      checkId(meetingId, 'meeting id');
      const ctx = Context.current();
      const participants = await webex.listParticipants(meetingId, (n) => ctx.heartbeat({ participants: n }));
      const ref = await archive.putJson(`webex/${meetingId}/participants.json`, {
        meetingId,
        count: participants.length,
        participants,
      });
      return { archive: ref, count: participants.length };
    },

    /**
     * Turns auto-recording on for a meeting series or scheduled meeting, so the meeting is recorded without
     * anyone pressing the button. Instances (`_I_`, a meeting already running or over) cannot be changed.
     */
    async enableWebexAutoRecord({ meetingId }: { meetingId: string }): Promise<{ changed: boolean }> {
      const parsed = parseWebexMeetingId(meetingId);
      if (parsed?.kind === 'instance') {
        throw activityFailure(
          'InstanceMeetingId',
          `${meetingId} is a meeting instance: auto-recording can only be set on a series or scheduled meeting`,
        );
      }
      if (!parsed) {
        throw activityFailure('InvalidMeetingId', `not a Webex meeting id: ${meetingId.slice(0, 100)}`);
      }
      const meeting = await webex.meeting(meetingId);
      if (meeting.enabledAutoRecordMeeting === true) return { changed: false };
      const updated = await webex.patchMeeting(meetingId, { enabledAutoRecordMeeting: true });
      if (updated.enabledAutoRecordMeeting !== true) {
        log.warn('Webex accepted the auto-record change but does not show it', { meetingId });
      }
      return { changed: true };
    },
  };
}

export type WebexActivities = ReturnType<typeof webexActivities>;
