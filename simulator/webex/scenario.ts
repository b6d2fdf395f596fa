// A scripted Webex meeting instance: its ids, recordings, transcript, participants, and the fault knobs
// (assets published late or never, expired direct links, next links that drop the meetingId).
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { externalIdSchema } from '../../domain/ids';
import { parseWebexMeetingId } from '../../domain/webex/ids';
import { contentSha256 } from '../content';

const isoSchema = z.iso.datetime({ offset: true });

/** One recording of a scripted meeting (also what `POST /sim/webex/meetings/:id/recordings` publishes). */
export const webexRecordingOptionsSchema = z.object({
  bytes: z
    .number()
    .int()
    .min(0)
    .max(4 * 1024 ** 3)
    .default(256 * 1024),
  durationSeconds: z.number().int().min(1).default(60),
});

export const webexScenarioSchema = z
  .object({
    /** The instance id (`<series>_I_<digits>`), as in the `ended` webhook and the recordings. */
    meetingId: externalIdSchema
      .refine(
        (id) => parseWebexMeetingId(id)?.kind === 'instance',
        'must be an instance id (<series>_I_<digits>)',
      )
      .optional(),
    title: z.string().min(1).default('Simulated Webex meeting'),
    hostEmail: z.email().default('host@simulator.example.com'),
    start: isoSchema.optional(),
    end: isoSchema.optional(),
    /** Several recordings: the host stopped and restarted the recording. */
    recordings: z.array(webexRecordingOptionsSchema).default([{ bytes: 256 * 1024, durationSeconds: 60 }]),
    /** GET /recordings?meetingId= answers `{items: []}` this many times before the recordings show. */
    recordingsAfterListings: z.number().int().min(0).default(0),
    /** false: the transcript is never published (Webex Assistant was off). */
    transcript: z.boolean().default(true),
    transcriptAfterListings: z.number().int().min(0).default(0),
    snippets: z.number().int().min(0).max(100_000).default(12),
    participants: z.number().int().min(0).max(100_000).default(5),
    /** The first N GET /recordings/:id hand out a direct link that has already expired. */
    expiredLinks: z.number().int().min(0).default(0),
    /** Next links of participants and snippets drop `meetingId` (a known Webex bug clients repair). */
    dropQueryInLinks: z.boolean().default(false),
  })
  .refine((s) => !s.start || !s.end || Date.parse(s.start) < Date.parse(s.end), 'start must be before end');
export type WebexScenarioInput = z.input<typeof webexScenarioSchema>;

export interface WebexRecording {
  id: string;
  bytes: number;
  durationSeconds: number;
  sha256: string;
  /** When the record button was pressed, ms. */
  recordedAtMs: number;
}

/** A scenario's meeting with its mutable publication state. */
export interface WebexMeeting {
  meetingId: string;
  meetingSeriesId: string;
  scheduledMeetingId: string;
  title: string;
  hostEmail: string;
  startMs: number;
  endMs: number;
  recordings: WebexRecording[];
  transcriptId: string;
  /** Transcripts Webex published after the first (WebexSim.addTranscript), listed after it. */
  laterTranscriptIds: string[];
  transcript: boolean;
  snippets: number;
  participants: number;
  dropQueryInLinks: boolean;
  recordingsAfterListings: number;
  transcriptAfterListings: number;
  /** Listings answered empty so far; once a counter reaches its `…AfterListings`, the asset is published. */
  recordingListings: number;
  transcriptListings: number;
  recordingsPublished: boolean;
  transcriptPublished: boolean;
  expiredLinksLeft: number;
}

export interface WebexScenarioResult {
  meetingId: string;
  scheduledMeetingId: string;
  meetingSeriesId: string;
  recordings: Array<{ id: string; bytes: number; sha256: string }>;
  transcriptId: string;
  participants: number;
  snippets: number;
}

/** `YYYYMMDDTHHMMSSZ`, the suffix of a scheduled meeting id. */
export const compactUtc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Webex's own timestamps carry no milliseconds. */
export const webexTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function newInstanceId(): string {
  const digits = Array.from(randomBytes(18), (b) => String(b % 10)).join('');
  return `${randomBytes(16).toString('hex')}_I_${digits.replace(/^0/, '1')}`;
}

export function createWebexMeeting(input: WebexScenarioInput, nowMs: number): WebexMeeting {
  const s = webexScenarioSchema.parse(input);
  const meetingId = s.meetingId ?? newInstanceId();
  const meetingSeriesId = meetingId.split('_I_')[0]!;
  // Default: an hour-long meeting that ended a minute ago; whole seconds, as Webex reports them.
  const endMs = s.end ? Date.parse(s.end) : Math.floor((nowMs - 60_000) / 1000) * 1000;
  const startMs = s.start ? Date.parse(s.start) : endMs - 3600_000;
  let recordedAtMs = startMs + 30_000;
  const recordings = s.recordings.map((r) => {
    const id = randomBytes(16).toString('hex');
    const recording = { id, ...r, sha256: contentSha256(id, r.bytes), recordedAtMs };
    // A restarted recording starts a minute after the previous one stopped.
    recordedAtMs += (r.durationSeconds + 60) * 1000;
    return recording;
  });
  return {
    meetingId,
    meetingSeriesId,
    scheduledMeetingId: `${meetingSeriesId}_${compactUtc(startMs)}`,
    title: s.title,
    hostEmail: s.hostEmail,
    startMs,
    endMs,
    recordings,
    transcriptId: `${randomUUID()}_M_${meetingSeriesId}`,
    laterTranscriptIds: [],
    transcript: s.transcript,
    snippets: s.snippets,
    participants: s.participants,
    dropQueryInLinks: s.dropQueryInLinks,
    recordingsAfterListings: s.recordingsAfterListings,
    transcriptAfterListings: s.transcriptAfterListings,
    recordingListings: 0,
    transcriptListings: 0,
    recordingsPublished: s.recordingsAfterListings === 0,
    transcriptPublished: s.transcript && s.transcriptAfterListings === 0,
    expiredLinksLeft: s.expiredLinks,
  };
}

export function webexScenarioResult(m: WebexMeeting): WebexScenarioResult {
  return {
    meetingId: m.meetingId,
    scheduledMeetingId: m.scheduledMeetingId,
    meetingSeriesId: m.meetingSeriesId,
    recordings: m.recordings.map(({ id, bytes, sha256 }) => ({ id, bytes, sha256 })),
    transcriptId: m.transcriptId,
    participants: m.participants,
    snippets: m.snippets,
  };
}

/** Whether a listing's `meetingId` names this meeting (its instance, scheduled or series id). */
export function namesMeeting(m: WebexMeeting, id: string): boolean {
  return id === m.meetingId || id === m.scheduledMeetingId || id === m.meetingSeriesId;
}
