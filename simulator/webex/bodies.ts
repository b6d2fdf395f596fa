// What a scripted meeting looks like through the Webex REST API, with the field names of the Webex
// Meetings OpenAPI (RecordingObject, TranscriptObject, SnippetObject, Participant, Device, meetings).
import { createHash } from 'node:crypto';
import { webexTime, type WebexMeeting, type WebexRecording } from './scenario';

export const SIM_WEBEX_SITE = 'simulator.webex.com';

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

/** A uuid-shaped id derived from `seed`, so the same person gets the same id on every call. */
const stableUuid = (seed: string) => {
  const h = digest(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** Webex's opaque ids are base64 of `ciscospark://us/<KIND>/<uuid>`. */
export const sparkId = (kind: 'PEOPLE' | 'ORGANIZATION' | 'APPLICATION' | 'WEBHOOK', seed: string) =>
  Buffer.from(`ciscospark://us/${kind}/${stableUuid(`${kind}:${seed}`)}`)
    .toString('base64')
    .replace(/=+$/, '');

export const SIM_ORG_ID = sparkId('ORGANIZATION', 'simulator');

export const meetingNumber = (seriesId: string) =>
  String(100_000_000 + (parseInt(digest(seriesId).slice(0, 8), 16) % 900_000_000));

export function recordingObject(m: WebexMeeting, r: WebexRecording) {
  const index = m.recordings.indexOf(r);
  return {
    id: r.id,
    meetingId: m.meetingId,
    scheduledMeetingId: m.scheduledMeetingId,
    meetingSeriesId: m.meetingSeriesId,
    topic: m.recordings.length > 1 ? `${m.title}-${index + 1}` : m.title,
    // The file is generated after the meeting ends; later recordings a few seconds later.
    createTime: webexTime(m.endMs + 30_000 + index * 5000),
    timeRecorded: webexTime(r.recordedAtMs),
    hostEmail: m.hostEmail,
    siteUrl: SIM_WEBEX_SITE,
    downloadUrl: `https://${SIM_WEBEX_SITE}/simulator/lsr.php?RCID=${digest(`dl:${r.id}`).slice(0, 32)}`,
    playbackUrl: `https://${SIM_WEBEX_SITE}/simulator/ldr.php?RCID=${digest(`pb:${r.id}`).slice(0, 32)}`,
    password: digest(`pw:${r.id}`).slice(0, 8),
    format: 'MP4',
    serviceType: 'MeetingCenter',
    durationSeconds: r.durationSeconds,
    sizeBytes: r.bytes,
    shareToMe: false,
    status: 'available',
  };
}

export interface DirectLinks {
  recordingDownloadLink: string;
  audioDownloadLink: string;
  /** ISO, when both links expire. */
  expiration: string;
}

export function recordingWithLinks(m: WebexMeeting, r: WebexRecording, links: DirectLinks) {
  return { ...recordingObject(m, r), temporaryDirectDownloadLinks: links };
}

/** `apiBase`: `<sim>/webex/v1` (or Webex's own), where the download links point. */
/** One of the meeting's transcripts (default: its first) as Webex lists it. */
export function transcriptObject(m: WebexMeeting, apiBase: string, transcriptId = m.transcriptId) {
  const link = (format: 'vtt' | 'txt') =>
    `${apiBase}/meetingTranscripts/${encodeURIComponent(transcriptId)}/download?meetingId=${encodeURIComponent(m.meetingId)}&format=${format}`;
  return {
    id: transcriptId,
    siteUrl: SIM_WEBEX_SITE,
    startTime: new Date(m.startMs + 5000).toISOString(),
    meetingTopic: m.title,
    meetingId: m.meetingId,
    scheduledMeetingId: m.scheduledMeetingId,
    meetingSeriesId: m.meetingSeriesId,
    hostUserId: sparkId('PEOPLE', m.hostEmail),
    vttDownloadLink: link('vtt'),
    txtDownloadLink: link('txt'),
    status: 'available',
  };
}

const NAMES = ['Alice Johnson', 'Bob Martinez', 'Chen Wei', 'Dana Okafor', 'Erik Larsen', 'Fatima Khan'];

/** Participant k's name and email; the host (k = 0) uses the meeting's host email. */
export function person(m: WebexMeeting, k: number): { name: string; email: string } {
  const round = Math.floor(k / NAMES.length);
  const name = NAMES[k % NAMES.length]! + (round ? ` ${round + 1}` : '');
  if (k === 0) return { name, email: m.hostEmail };
  return { name, email: `${name.toLowerCase().replace(/\s+/g, '.')}@simulator.example.com` };
}

const SENTENCES = [
  'Thanks everyone for joining today.',
  'Let us start with the archive numbers from last week.',
  'The recordings are collected within a few minutes now.',
  'What happens when the download link expires halfway?',
  'We fetch a fresh link and start the download again.',
  'And the transcripts come from the snippets endpoint.',
  'Good, let us look at the participant list next.',
  'I will send the notes after the call.',
];

export interface Snippet {
  id: string;
  text: string;
  personName: string;
  personEmail: string;
  offsetMillisecond: number;
  durationMillisecond: number;
}

/**
 * The transcript's snippets: up to three speakers taking turns of two snippets each (so consecutive
 * snippets of one speaker exist), each 2 to 3 s long with half a second between them.
 */
export function snippets(m: WebexMeeting): Snippet[] {
  const speakers = Math.max(1, Math.min(3, m.participants));
  const out: Snippet[] = [];
  let offset = 1000;
  for (let i = 0; i < m.snippets; i++) {
    const who = person(m, Math.floor(i / 2) % speakers);
    const duration = 2000 + (i % 3) * 500;
    out.push({
      id: `${m.transcriptId}_${String(i + 1).padStart(5, '0')}`,
      text: SENTENCES[i % SENTENCES.length]!,
      personName: who.name,
      personEmail: who.email,
      offsetMillisecond: offset,
      durationMillisecond: duration,
    });
    offset += duration + 500;
  }
  return out;
}

const clock = (ms: number) => {
  const t = new Date(ms).toISOString();
  return `${t.slice(11, 23)}`;
};

/** The VTT download: one cue per snippet, the speaker's name before the text. */
export function transcriptVtt(m: WebexMeeting): string {
  const cues = snippets(m).map(
    (s, i) =>
      `${i + 1}\n${clock(s.offsetMillisecond)} --> ${clock(s.offsetMillisecond + s.durationMillisecond)}\n` +
      `${s.personName}: ${s.text}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}

/** The TXT download: one line per snippet. */
export function transcriptTxt(m: WebexMeeting): string {
  return snippets(m)
    .map((s) => `[${clock(s.offsetMillisecond).slice(0, 8)}] ${s.personName}: ${s.text}\n`)
    .join('');
}

/** The ended meeting's participants; every fourth one left and rejoined (two devices). */
export function participants(m: WebexMeeting) {
  const span = m.endMs - m.startMs;
  return Array.from({ length: m.participants }, (_, k) => {
    const who = person(m, k);
    const joinedMs = m.startMs + Math.min(k * 15_000, span / 4);
    const leftMs = m.endMs - Math.min(k * 10_000, span / 4);
    const device = (from: number, to: number, n: number) => ({
      correlationId: stableUuid(`device:${m.meetingId}:${k}:${n}`),
      deviceType: k % 2 ? 'webex_client_windows' : 'webex_meeting_center_mac',
      audioType: k % 5 === 4 ? 'pstn' : 'voip',
      joinedTime: webexTime(from),
      leftTime: webexTime(to),
      durationSecond: Math.round((to - from) / 1000),
    });
    const midMs = joinedMs + Math.floor((leftMs - joinedMs) / 2);
    const devices =
      k % 4 === 3
        ? [device(joinedMs, midMs, 0), device(midMs + 30_000, leftMs, 1)]
        : [device(joinedMs, leftMs, 0)];
    return {
      id: `${m.meetingSeriesId}_${stableUuid(`participant:${m.meetingId}:${k}`)}`,
      host: k === 0,
      coHost: k === 1,
      email: who.email,
      displayName: who.name,
      invitee: k < Math.ceil(m.participants / 2),
      muted: k % 2 === 1,
      meetingStartTime: webexTime(m.startMs),
      video: k % 3 === 2 ? 'off' : 'on',
      state: 'end',
      joinedTime: webexTime(joinedMs),
      leftTime: webexTime(leftMs),
      siteUrl: SIM_WEBEX_SITE,
      meetingId: m.meetingId,
      hostEmail: m.hostEmail,
      devices,
    };
  });
}

export interface MeetingShape {
  id: string;
  kind: 'series' | 'scheduled' | 'instance';
  seriesId: string;
  title: string;
  hostEmail: string;
  startMs: number;
  endMs: number;
  scheduledMeetingId?: string;
}

function meetingState(s: MeetingShape, nowMs: number): string {
  if (s.kind === 'series') return s.endMs > nowMs ? 'active' : 'expired';
  if (s.kind === 'scheduled') return s.startMs > nowMs ? 'scheduled' : 'ended';
  return s.endMs > nowMs ? 'inProgress' : 'ended';
}

/** GET /meetings/{meetingId}: a series, one scheduled occurrence, or an instance that ran. */
export function meetingObject(s: MeetingShape, enabledAutoRecordMeeting: boolean, nowMs: number) {
  const number = meetingNumber(s.seriesId);
  const type = { series: 'meetingSeries', scheduled: 'scheduledMeeting', instance: 'meeting' }[s.kind];
  const state = meetingState(s, nowMs);
  return {
    id: s.id,
    ...(s.kind !== 'series' ? { meetingSeriesId: s.seriesId } : {}),
    ...(s.scheduledMeetingId ? { scheduledMeetingId: s.scheduledMeetingId } : {}),
    meetingNumber: number,
    title: s.title,
    password: digest(`pw:${s.seriesId}`).slice(0, 8),
    meetingType: type,
    state,
    timezone: 'UTC',
    start: webexTime(s.startMs),
    end: webexTime(s.endMs),
    hostUserId: sparkId('PEOPLE', s.hostEmail),
    hostDisplayName: 'Simulated Host',
    hostEmail: s.hostEmail,
    siteUrl: SIM_WEBEX_SITE,
    webLink: `https://${SIM_WEBEX_SITE}/simulator/j.php?MTID=m${digest(s.seriesId).slice(0, 32)}`,
    sipAddress: `${number}@${SIM_WEBEX_SITE}`,
    enabledAutoRecordMeeting,
    allowAnyUserToBeCoHost: false,
    enabledJoinBeforeHost: false,
    enableConnectAudioBeforeHost: false,
    joinBeforeHostMinutes: 0,
    scheduledType: 'meeting',
  };
}

export function instanceShape(m: WebexMeeting): MeetingShape {
  return {
    id: m.meetingId,
    kind: 'instance',
    seriesId: m.meetingSeriesId,
    scheduledMeetingId: m.scheduledMeetingId,
    title: m.title,
    hostEmail: m.hostEmail,
    startMs: m.startMs,
    endMs: m.endMs,
  };
}
