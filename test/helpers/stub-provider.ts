// The worker's activities as plain functions of the same names, for workflow tests: each call is recorded
// (with the server's time, which a time-skipping test server moves forward) and answered as the provider
// would, by the script a test gave for that meeting (else by a provider that has nothing to say yet).
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { Activities } from '../../activities';
import type { ArchiveRef } from '../../domain/archive-ref';

export type ActivityName = keyof Activities;
type InputOf<K extends ActivityName> = Parameters<Activities[K]>[0];
type OutputOf<K extends ActivityName> = Awaited<ReturnType<Activities[K]>>;

/** One attempt of an activity, as the stub saw it. */
export interface ActivityCall<K extends ActivityName = ActivityName> {
  name: K;
  /** The meeting it is about (bot id, Webex meeting id). */
  externalId: string;
  /** When this attempt ran (ms since the epoch, on the server's skipped clock). */
  atMs: number;
  /** 1 for the first attempt, more for the activity's own retries. */
  attempt: number;
  input: InputOf<K>;
}

/** How the provider answers one activity: the value, or a thrown failure (as the real activity throws). */
export type Answer<K extends ActivityName> = (call: ActivityCall<K>) => OutputOf<K> | Promise<OutputOf<K>>;
/** A meeting's provider, activity by activity; an activity left out answers as DEFAULT_ANSWERS does. */
export type ProviderScript = { [K in ActivityName]?: Answer<K> };

/** A reference to an archived file that was never written (the archive is not part of these tests). */
export function fakeArchiveRef(key: string, bytes = 1000): ArchiveRef {
  return { uri: `file:///archive/${key}`, bytes, sha256: createHash('sha256').update(key).digest('hex') };
}

/**
 * A provider with nothing to say yet: the final data not out, the meeting in progress, nothing published;
 * whatever it is asked to archive is archived.
 */
const DEFAULT_ANSWERS: { [K in ActivityName]: Answer<K> } = {
  reconcileMeetingBaas: () => ({ outcome: 'pending', detail: 'the bot has not left', inCall: true }),
  archiveRecording: ({ externalId }) => fakeArchiveRef(`meetingbaas/${externalId}/recording.mp4`),
  archiveMeetingBaasTranscript: ({ externalId }) => ({
    archive: fakeArchiveRef(`meetingbaas/${externalId}/transcript.json`),
    utterances: 12,
    speakers: ['Alice', 'Bob'],
  }),
  refreshMeetingBaasRecordingUrl: ({ atMs }) => ({
    url: 'https://bucket.s3.amazonaws.com/recording.mp4?X-Amz-Signature=fresh',
    expiresAt: new Date(atMs + 3600_000).toISOString(),
  }),
  createMeetingBaasBot: () => {
    throw new Error('createMeetingBaasBot is not scripted');
  },
  removeMeetingBaasBot: () => undefined,
  forgetBotRequest: () => undefined,
  webexMeetingState: () => ({ state: 'inProgress' }),
  listWebexRecordings: () => [],
  listWebexTranscripts: () => [],
  archiveWebexRecording: ({ externalId, input, atMs }) => ({
    ...fakeArchiveRef(`webex/${externalId}/${input.recordingId}.mp4`),
    durationSeconds: 1800,
    linkExpiresAt: new Date(atMs + 3 * 3600_000).toISOString(),
  }),
  archiveWebexTranscript: ({ externalId, input }) => ({
    archive: fakeArchiveRef(`webex/${externalId}/${input.transcriptId}.json`),
    files: {
      vtt: fakeArchiveRef(`webex/${externalId}/${input.transcriptId}.vtt`),
      txt: fakeArchiveRef(`webex/${externalId}/${input.transcriptId}.txt`),
    },
    utterances: 8,
    speakers: ['Carol'],
  }),
  refreshWebexRecordingUrl: ({ input, atMs }) => ({
    url: `https://example.webex.com/recordings/${input.recordingId}.mp4?token=fresh`,
    expiresAt: new Date(atMs + 3 * 3600_000).toISOString(),
  }),
  archiveWebexParticipants: ({ externalId }) => ({
    archive: fakeArchiveRef(`webex/${externalId}/participants.json`),
    count: 3,
  }),
  enableWebexAutoRecord: () => ({ changed: true }),
  // No NOTIFY_WEBHOOK_URLS unless a test scripts them (under NO_MEETING: these inputs name no meeting).
  prepareNotification: () => undefined,
  deliverNotification: () => ({ status: 200 }),
  eraseMeetingData: () => ({ objects: 3 }),
  deleteProviderData: ({ input }) => ({ note: `${input.provider}: deleted` }),
};

/** Where the calls about no meeting are scripted and recorded (sending a bot: its id is the answer). */
export const NO_MEETING = '(no meeting)';

/** The meeting an activity's input is about. */
function externalIdOf(input: unknown): string {
  const fields = input as { botId?: string; meetingId?: string; externalId?: string } | undefined;
  return fields?.botId ?? fields?.meetingId ?? fields?.externalId ?? NO_MEETING;
}

/** The stubbed activities of one worker, scripted per meeting. */
export class StubProvider {
  private readonly recorded: ActivityCall[] = [];
  private readonly scripts = new Map<string, ProviderScript>();

  /**
   * `clock`: the server's time, asked for a retry: a retry is scheduled when the attempt before failed and
   * runs after its backoff. A first attempt runs when it is scheduled (its info says when: no question).
   */
  constructor(private readonly clock: () => Promise<number>) {}

  /** How the provider answers for the meeting `externalId` (replaces any script it had). */
  script(externalId: string, script: ProviderScript): void {
    this.scripts.set(externalId, script);
  }

  /** The calls about `externalId`, of activity `name` if given, in the order they were made. */
  calls<K extends ActivityName>(externalId: string, name: K): ActivityCall<K>[];
  calls(externalId: string): ActivityCall[];
  calls(externalId: string, name?: ActivityName): ActivityCall[] {
    return this.recorded.filter((c) => c.externalId === externalId && (!name || c.name === name));
  }

  /** The worker's `activities`. */
  get activities(): Activities {
    const entries = (Object.keys(DEFAULT_ANSWERS) as ActivityName[]).map((name) => [
      name,
      (input: InputOf<typeof name>) => this.answer(name, input),
    ]);
    return Object.fromEntries(entries) as Activities;
  }

  private async answer<K extends ActivityName>(name: K, input: InputOf<K>): Promise<OutputOf<K>> {
    const { attempt, currentAttemptScheduledTimestampMs } = Context.current().info;
    const call: ActivityCall<K> = {
      name,
      externalId: externalIdOf(input),
      atMs: attempt === 1 ? currentAttemptScheduledTimestampMs : await this.clock(),
      attempt,
      input,
    };
    this.recorded.push(call);
    const scripted = this.scripts.get(call.externalId)?.[name];
    return await (scripted ?? DEFAULT_ANSWERS[name])(call);
  }
}
