import { V2Zod } from '@meeting-baas/sdk';
import fs from 'node:fs';
import path from 'node:path';
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import { decide, type MeetingStatus } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import { V1_STATUS_CODES } from '../../domain/meetingbaas/v1';
import {
  V2_STATUS_CODES,
  v2ToProviderEvent,
  v2WebhookSchema,
  type V2Webhook,
} from '../../domain/meetingbaas/v2';
import { normalizeV2Transcription, v2TranscriptionSchema } from '../../domain/meetingbaas/v2-transcription';
import { normalizedTranscriptSchema } from '../../domain/transcript';

const OPENAPI = path.resolve(__dirname, '../fixtures/reference/meetingbaas-openapi-v2.schemas.json');
const BOT = '123e4567-e89b-12d3-a456-426614174000';
const RECEIVED = '2025-01-15T12:00:00.000Z';
const REF = { uri: 'file:///archive/inbox/x.json', bytes: 10, sha256: 'a'.repeat(64) };

function parse(body: unknown): V2Webhook {
  const result = v2WebhookSchema.safeParse(body);
  if (!result.success) throw new Error(`does not parse: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

let ids = 0;
const toEvent = (body: unknown, ctx: Partial<Parameters<typeof v2ToProviderEvent>[1]> = {}): ProviderEvent =>
  providerEventSchema.parse(
    v2ToProviderEvent(parse(body), { deliveryId: `msg_${++ids}`, receivedAt: RECEIVED, ...ctx }),
  );

const statusChange = (code: string, createdAt: string, status: Record<string, unknown> = {}) => ({
  event: 'bot.status_change',
  data: { bot_id: BOT, event_id: null, status: { code, created_at: createdAt, ...status } },
  extra: null,
});

const completed = (data: Record<string, unknown> = {}) => ({
  event: 'bot.completed',
  data: {
    bot_id: BOT,
    event_id: null,
    participants: [{ name: 'Alice', id: 1 }],
    speakers: [
      { name: 'Alice', id: 1 },
      { name: 'Bob', id: 2 },
    ],
    duration_seconds: 3600,
    video: 'https://s3.amazonaws.com/bucket/video.mp4',
    transcription: 'https://s3.amazonaws.com/bucket/transcription.json',
    sent_at: '2025-01-15T11:00:00Z',
    ...data,
  },
  extra: null,
});

// Written from the webhooks page, independently of V2_STATUS_CODES: where each code takes a fresh meeting.
const DESIGN: Record<string, { status: MeetingStatus; endReason?: string }> = {
  queued: { status: 'scheduled' },
  pickup_delayed: { status: 'scheduled' },
  transcribing: { status: 'ended' },
  completed: { status: 'ended' },
  failed: { status: 'ended' },
  joining_call: { status: 'joining' },
  in_waiting_room: { status: 'waiting_room' },
  in_waiting_for_host: { status: 'waiting_room' },
  in_call_not_recording: { status: 'in_call' },
  in_call_recording: { status: 'recording' },
  recording_paused: { status: 'paused' },
  recording_resumed: { status: 'recording' },
  call_ended: { status: 'ended' },
  recording_succeeded: { status: 'ended' },
  recording_failed: { status: 'ended', endReason: 'recording_failed' },
  api_request_stop: { status: 'ended', endReason: 'api_request_stop' },
  bot_rejected: { status: 'ended', endReason: 'bot_rejected' },
  bot_removed: { status: 'ended', endReason: 'bot_removed' },
  bot_removed_too_early: { status: 'ended', endReason: 'bot_removed_too_early' },
  waiting_room_timeout: { status: 'ended', endReason: 'waiting_room_timeout' },
  invalid_meeting_url: { status: 'ended', endReason: 'invalid_meeting_url' },
  meeting_error: { status: 'ended', endReason: 'meeting_error' },
};
const DOC_CODES = Object.keys(DESIGN);

describe('v2 status codes', () => {
  test('V2_STATUS_CODES knows exactly the codes of the webhooks page', () => {
    expect(Object.keys(V2_STATUS_CODES).sort()).toEqual([...DOC_CODES].sort());
  });

  test('...which are the OpenAPI bot status enum, and cover the SDK schema', () => {
    const openapi = JSON.parse(fs.readFileSync(OPENAPI, 'utf8')) as {
      components: {
        schemas: Record<string, { properties: { data: { properties: { status: { enum: string[] } } } } }>;
      };
    };
    const enumCodes =
      openapi.components.schemas.GetBotDetailsResponse!.properties.data.properties.status.enum;
    expect([...enumCodes].sort()).toEqual([...DOC_CODES].sort());
    // The SDK's schema (older than the spec: no pickup_delayed) names no code we do not know.
    const sdkCodes = V2Zod.getBotDetailsResponse.shape.data.shape.status.options as string[];
    expect(sdkCodes.filter((c) => !(c in V2_STATUS_CODES))).toEqual([]);
  });

  test('v1 codes keep their v1 meaning', () => {
    for (const [code, meaning] of Object.entries(V1_STATUS_CODES)) {
      expect(V2_STATUS_CODES[code]).toEqual(meaning);
    }
  });

  test('no documented code is "unknown"', () => {
    expect(Object.values(V2_STATUS_CODES).filter((m) => m.kind === 'unknown')).toEqual([]);
  });

  test.each(DOC_CODES)('%s from a fresh meeting (scheduled) goes where the design says', (code) => {
    const known = V2_STATUS_CODES[code]!;
    expect(decide({ status: 'scheduled', admission: 'unknown' }, known.kind).next.status).toBe(
      DESIGN[code]!.status,
    );
    expect(known.endReason).toBe(DESIGN[code]!.endReason);

    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange(code, '2025-01-15T10:00:00Z')))).toBe('applied');
    expect(meeting.status).toBe(DESIGN[code]!.status);
    expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  // From `recording` the meeting may only stay, pause, end or fail: going back is not applied.
  const FROM_RECORDING: Array<[string, MeetingStatus, boolean]> = [
    ['queued', 'recording', false],
    ['pickup_delayed', 'recording', false],
    ['joining_call', 'recording', false],
    ['in_waiting_room', 'recording', false],
    ['in_waiting_for_host', 'recording', false],
    ['in_call_not_recording', 'recording', false],
    ['in_call_recording', 'recording', true],
    ['recording_paused', 'paused', true],
    ['recording_resumed', 'recording', true],
    ['call_ended', 'ended', true],
    ['recording_succeeded', 'ended', true],
    ['transcribing', 'ended', true],
    ['recording_failed', 'ended', true],
    ['api_request_stop', 'ended', true],
    ['bot_rejected', 'ended', true],
    ['bot_removed', 'ended', true],
    ['bot_removed_too_early', 'ended', true],
    ['waiting_room_timeout', 'ended', true],
    ['invalid_meeting_url', 'ended', true],
    ['meeting_error', 'ended', true],
    ['completed', 'ended', true],
    ['failed', 'ended', true],
  ];

  test('the from-recording table covers every documented code', () => {
    expect(FROM_RECORDING.map(([code]) => code).sort()).toEqual([...DOC_CODES].sort());
  });

  test.each(FROM_RECORDING)('%s while recording -> %s (applied: %s)', (code, status, applied) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2025-01-15T10:00:00Z')));
    const outcome = meeting.apply(toEvent(statusChange(code, '2025-01-15T10:05:00Z')));
    expect(outcome).toBe(applied ? 'applied' : 'recorded');
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.at(-1)).toMatchObject({ code, applied, status });
  });

  test('pickup_delayed is recorded with an informational note, not as an unknown code', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('queued', '2025-01-15T10:00:00Z')));
    meeting.apply(toEvent(statusChange('pickup_delayed', '2025-01-15T10:03:00Z')));
    expect(meeting.view.history[1]).toMatchObject({
      code: 'pickup_delayed',
      status: 'scheduled',
      applied: true,
    });
    expect(meeting.view.history[1]!.note).toMatch(/informational/);
  });

  test('recording_failed keeps its error_message as the note', () => {
    const event = toEvent(
      statusChange('recording_failed', '2025-01-15T10:00:00Z', { error_message: 'no audio' }),
    );
    expect(event).toMatchObject({ kind: 'ended', endReason: 'recording_failed', note: 'no audio' });
  });

  test('status failed ends the call; bot.failed then fails the meeting with the real error code', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    const status = toEvent(statusChange('failed', '2025-01-15T10:00:00Z'));
    expect(status).toMatchObject({ kind: 'ended', note: expect.stringMatching(/bot\.failed/) });
    meeting.apply(status);
    expect(meeting.status).toBe('ended');
    meeting.apply(
      toEvent({
        event: 'bot.failed',
        data: {
          bot_id: BOT,
          event_id: null,
          error_code: 'BOT_NOT_ACCEPTED',
          error_message: 'denied',
          sent_at: '2025-01-15T10:00:05Z',
        },
        extra: null,
      }),
    );
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error).toEqual({ code: 'BOT_NOT_ACCEPTED', message: 'denied' });
  });

  test('an unknown code is recorded, never rejected', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange('bot_teleported', '2025-01-15T10:00:00Z')))).toBe('recorded');
    expect(meeting.view.history[0]).toMatchObject({ code: 'bot_teleported', applied: false });
  });
});

describe('v2ToProviderEvent', () => {
  test('svix-id is the delivery id and the dedupe key: a redelivery is recorded once', () => {
    const body = statusChange('joining_call', '2025-01-15T10:00:00Z');
    const first = toEvent(body, { deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' });
    expect(first).toMatchObject({
      deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      dedupeKey: 'svix:msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      occurredAt: '2025-01-15T10:00:00.000Z',
      code: 'joining_call',
      kind: 'joining',
      provider: 'meetingbaas',
      externalId: BOT,
      source: 'webhook',
    });
    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(first)).toBe('applied');
    expect(meeting.apply(toEvent(body, { deliveryId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' }))).toBe('duplicate');
    expect(meeting.view.history).toHaveLength(1);
  });

  test('bot.completed: final data with the recording, its expiry, the transcript flag and the speakers', () => {
    const event = toEvent(completed(), { payloadRef: REF });
    expect(event).toMatchObject({
      kind: 'final_data',
      code: 'bot.completed',
      occurredAt: '2025-01-15T11:00:00.000Z',
      recording: {
        url: 'https://s3.amazonaws.com/bucket/video.mp4',
        // No signature in the URL: 4 hours after it was sent.
        urlExpiresAt: '2025-01-15T15:00:00.000Z',
        redacted: true,
      },
      hasTranscript: true,
      speakers: ['Alice', 'Bob'],
      payloadRef: REF,
    });
    expect(event.note).toBeUndefined();
  });

  test('bot.completed: the recording as `mp4` (docs example) is read too; a presigned URL gives its own expiry', () => {
    const mp4 =
      'https://s3.amazonaws.com/b/video.mp4?X-Amz-Date=20250115T110000Z&X-Amz-Expires=3600&X-Amz-Signature=abc';
    const event = toEvent(completed({ video: undefined, mp4 }), { payloadRef: REF });
    // The signed URL stays in the claim-checked body: the event has it without its query.
    expect(event.recording).toEqual({
      url: 'https://s3.amazonaws.com/b/video.mp4',
      urlExpiresAt: '2025-01-15T12:00:00.000Z',
      redacted: true,
    });
    expect(JSON.stringify(event)).not.toContain('X-Amz-Signature');
  });

  test('bot.completed without sent_at: the URL lives 4 hours from reception', () => {
    const event = toEvent(completed({ sent_at: undefined }), { payloadRef: REF });
    expect(event.occurredAt).toBeUndefined();
    expect(event.recording?.urlExpiresAt).toBe('2025-01-15T16:00:00.000Z');
  });

  test.each([
    ['unreadable', 'not a date'],
    ['far in the future', '9999-12-31T23:59:59Z'],
  ])('bot.completed with a sent_at %s: kept, the URL lives 4 hours from reception', (_name, sentAt) => {
    const event = toEvent(completed({ sent_at: sentAt }), { payloadRef: REF });
    expect(event.occurredAt).toBe(sentAt === 'not a date' ? sentAt : '9999-12-31T23:59:59.000Z');
    expect(event.recording?.urlExpiresAt).toBe('2025-01-15T16:00:00.000Z');
  });

  test('bot.completed without video or transcription: nothing to collect, said in the note', () => {
    const event = toEvent(completed({ video: null, transcription: null, speakers: [] }), { payloadRef: REF });
    expect(event.recording).toBeUndefined();
    expect(event.hasTranscript).toBe(false);
    expect(event.note).toMatch(/no transcription/);
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(event);
    expect(meeting.view.recording?.status).toBe('unavailable');
    expect(meeting.view.transcript?.status).toBe('unavailable');
  });

  test('bot.failed: the meeting fails with the provider error code and message', () => {
    const body = {
      event: 'bot.failed',
      data: {
        bot_id: BOT,
        event_id: null,
        error_code: 'BOT_NOT_ACCEPTED',
        error_message: 'Bot was not accepted into the meeting',
        sent_at: '2025-01-15T10:40:00Z',
      },
      extra: { customer_id: '12345' },
    };
    const event = toEvent(body);
    expect(event).toMatchObject({
      kind: 'final_failure',
      code: 'bot.failed',
      error: { code: 'BOT_NOT_ACCEPTED', message: 'Bot was not accepted into the meeting' },
    });
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(event);
    expect(meeting.status).toBe('failed');
    expect(meeting.view.error).toEqual(event.error);
  });

  test('a whole v2 meeting: statuses, then bot.completed -> collecting', () => {
    const meeting = new Meeting('meetingbaas', BOT);
    const codes = [
      'queued',
      'joining_call',
      'in_waiting_room',
      'in_call_recording',
      'call_ended',
      'recording_succeeded',
      'transcribing',
      'completed',
    ];
    codes.forEach((code, i) => meeting.apply(toEvent(statusChange(code, `2025-01-15T10:0${i}:00Z`))));
    expect(meeting.status).toBe('ended');
    meeting.apply(toEvent(completed(), { payloadRef: REF }));
    expect(meeting.status).toBe('collecting');
    expect(meeting.view.endedAt).toBe('2025-01-15T10:04:00.000Z');
    expect(meeting.view.recording).toEqual({
      status: 'pending',
      sourceUrlExpiresAt: '2025-01-15T15:00:00.000Z',
    });
    expect(meeting.view.transcript).toEqual({ status: 'pending' });
  });
});

describe('v2 webhook schemas', () => {
  test('the webhooks page examples parse (extra fields tolerated)', () => {
    expect(
      parse({
        event: 'bot.status_change',
        data: {
          bot_id: BOT,
          event_id: '789e0123-e45b-67c8-d901-234567890abc',
          status: { code: 'in_call_recording', created_at: '2025-01-15T10:30:00Z', start_time: 1736941800 },
          extra: { customer_id: '12345' },
        },
      }),
    ).toEqual({
      event: 'bot.status_change',
      data: { bot_id: BOT, status: { code: 'in_call_recording', created_at: '2025-01-15T10:30:00.000Z' } },
    });
    const docsCompleted = parse({
      event: 'bot.completed',
      data: {
        bot_id: BOT,
        event_id: '789e0123-e45b-67c8-d901-234567890abc',
        transcription: 'https://s3.amazonaws.com/x/transcription.json',
        mp4: 'https://s3.amazonaws.com/x/video.mp4',
        audio: 'https://s3.amazonaws.com/x/audio.mp3',
        diarization: 'https://s3.amazonaws.com/x/diarization.jsonl',
        chat_messages: 'https://s3.amazonaws.com/x/chat_messages.json',
        duration_seconds: 3600,
        participants: [{ name: 'John Doe', id: 1 }],
        speakers: [{ name: 'John Doe', id: 1, display_name: 'John' }],
        extra: { customer_id: '12345' },
      },
    });
    expect(docsCompleted.event).toBe('bot.completed');
    expect(parse(completed({ speakers: null, participants: null })).data).toMatchObject({ speakers: [] });
  });

  test.each([
    [
      'no bot_id',
      {
        event: 'bot.status_change',
        data: { status: { code: 'queued', created_at: '2025-01-15T10:00:00Z' } },
      },
    ],
    [
      'a timestamp that is neither a string nor a number',
      { event: 'bot.status_change', data: { bot_id: BOT, status: { code: 'queued', created_at: true } } },
    ],
    [
      'an unsafe bot id',
      {
        event: 'bot.status_change',
        data: { bot_id: 'a/b', status: { code: 'queued', created_at: '2025-01-15T10:00:00Z' } },
      },
    ],
    ['bot.completed with a video that is not a URL', completed({ video: 'not a url' })],
    ['bot.failed without error_code', { event: 'bot.failed', data: { bot_id: BOT, error_message: 'x' } }],
  ])('%s does not parse', (_name, body) => {
    expect(v2WebhookSchema.safeParse(body).success).toBe(false);
  });
});

describe('the v2 transcription artifact', () => {
  // The artifacts page's example, with a second utterance out of order and one without a speaker.
  const artifact = {
    bot_id: BOT,
    provider: 'gladia',
    result: {
      utterances: [
        {
          text: 'Thanks, John.',
          language: 'en',
          start: 2.5,
          end: 3.1,
          confidence: 0.9,
          channel: 0,
          words: [
            { word: 'Thanks,', start: 2.5, end: 2.8, confidence: 0.9 },
            { word: 'John.', start: 2.8, end: 3.1, confidence: 0.9 },
          ],
          speaker: null,
        },
        {
          text: 'Hello everyone, welcome to the meeting',
          language: 'en',
          start: 0.5,
          end: 2.1,
          confidence: 0.95,
          channel: 0,
          words: [
            { word: 'Hello', start: 0.5, end: 0.8, confidence: 0.98 },
            { word: 'everyone', start: 0.8, end: 1.2, confidence: 0.96 },
          ],
          speaker: 'John Doe',
        },
      ],
      languages: ['en'],
      total_utterances: 2,
      total_duration: 3600.5,
    },
    created_at: '2025-01-15T11:00:00Z',
  };

  test('becomes the normalised transcript: provider utterances in time order, known speakers first', () => {
    const transcript = normalizeV2Transcription(v2TranscriptionSchema.parse(artifact), [
      'Jane Smith',
      'John Doe',
    ]);
    expect(normalizedTranscriptSchema.parse(transcript)).toEqual(transcript);
    expect(transcript.speakers).toEqual(['Jane Smith', 'John Doe', 'unknown']);
    expect(transcript.utterances).toEqual([
      {
        speaker: 'John Doe',
        start: 0.5,
        end: 2.1,
        text: 'Hello everyone, welcome to the meeting',
        words: [
          { start: 0.5, end: 0.8, text: 'Hello' },
          { start: 0.8, end: 1.2, text: 'everyone' },
        ],
      },
      {
        speaker: 'unknown',
        start: 2.5,
        end: 3.1,
        text: 'Thanks, John.',
        words: [
          { start: 2.5, end: 2.8, text: 'Thanks,' },
          { start: 2.8, end: 3.1, text: 'John.' },
        ],
      },
    ]);
  });

  test('a file without result.utterances does not parse', () => {
    expect(v2TranscriptionSchema.safeParse({ bot_id: BOT, transcriptions: [] }).success).toBe(false);
  });
});
