import fs from 'node:fs';
import path from 'node:path';
import { providerEventSchema, type ProviderEvent } from '../../domain/events';
import { decide, type MeetingStatus } from '../../domain/lifecycle';
import { Meeting } from '../../domain/meeting';
import {
  V1_FAILURE_MESSAGES,
  V1_STATUS_CODES,
  v1ToProviderEvent,
  v1TranscriptWords,
  v1WebhookSchema,
  type V1Webhook,
} from '../../domain/meetingbaas/v1';
import { groupIntoUtterances } from '../../domain/transcript';

const FIXTURES = path.resolve(__dirname, '../fixtures/meetingbaas-v1');
const SEED = path.resolve(__dirname, '../fixtures/seeds/meetingbaas-v1-getting-the-data.txt');
const BOT = '123e4567-e89b-12d3-a456-426614174000';
const RECEIVED = '2024-01-01T13:00:00.000Z';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const clone = <T>(x: T): T => structuredClone(x);

function parse(body: unknown): V1Webhook {
  const result = v1WebhookSchema.safeParse(body);
  if (!result.success) throw new Error(`does not parse: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

const statusChange = (code: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  event: 'bot.status_change',
  data: { bot_id: BOT, status: { code, created_at: createdAt, ...extra } },
});

const toEvent = (body: unknown, ctx: Partial<Parameters<typeof v1ToProviderEvent>[1]> = {}): ProviderEvent =>
  v1ToProviderEvent(parse(body), { receivedAt: RECEIVED, ...ctx });

// Written from the design, independently of V1_STATUS_CODES.
const DESIGN: Record<string, { status: MeetingStatus; endReason?: string }> = {
  joining_call: { status: 'joining' },
  in_waiting_room: { status: 'waiting_room' },
  in_call_not_recording: { status: 'in_call' },
  in_call_recording: { status: 'recording' },
  recording_paused: { status: 'paused' },
  recording_resumed: { status: 'recording' },
  call_ended: { status: 'ended' },
  bot_rejected: { status: 'ended', endReason: 'bot_rejected' },
  bot_removed: { status: 'ended', endReason: 'bot_removed' },
  waiting_room_timeout: { status: 'ended', endReason: 'waiting_room_timeout' },
  invalid_meeting_url: { status: 'ended', endReason: 'invalid_meeting_url' },
  meeting_error: { status: 'ended', endReason: 'meeting_error' },
};
const SEED_CODES = Object.keys(DESIGN);

describe('v1 status codes', () => {
  test('V1_STATUS_CODES knows exactly the codes of the seed documentation', () => {
    expect(Object.keys(V1_STATUS_CODES).sort()).toEqual([...SEED_CODES].sort());
  });

  test.each(SEED_CODES)('%s from a fresh meeting (scheduled) goes where the design says', (code) => {
    const known = V1_STATUS_CODES[code]!;
    expect(decide({ status: 'scheduled', admission: 'unknown' }, known.kind).next.status).toBe(
      DESIGN[code]!.status,
    );
    expect(known.endReason).toBe(DESIGN[code]!.endReason);

    const meeting = new Meeting('meetingbaas', BOT);
    expect(meeting.apply(toEvent(statusChange(code, '2024-01-01T12:00:00.000Z')))).toBe('applied');
    expect(meeting.status).toBe(DESIGN[code]!.status);
    expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  // From `recording` the meeting may only stay, pause, or end: going back is not applied.
  const FROM_RECORDING: Array<[string, MeetingStatus, boolean]> = [
    ['joining_call', 'recording', false],
    ['in_waiting_room', 'recording', false],
    ['in_call_not_recording', 'recording', false],
    ['in_call_recording', 'recording', true],
    ['recording_paused', 'paused', true],
    ['recording_resumed', 'recording', true],
    ['call_ended', 'ended', true],
    ['bot_rejected', 'ended', true],
    ['bot_removed', 'ended', true],
    ['waiting_room_timeout', 'ended', true],
    ['invalid_meeting_url', 'ended', true],
    ['meeting_error', 'ended', true],
  ];

  test('the from-recording table covers every seed code', () => {
    expect(FROM_RECORDING.map(([code]) => code).sort()).toEqual([...SEED_CODES].sort());
  });

  test.each(FROM_RECORDING)('%s while recording -> %s (applied: %s)', (code, status, applied) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2024-01-01T12:00:00.000Z')));
    expect(meeting.status).toBe('recording');

    const outcome = meeting.apply(toEvent(statusChange(code, '2024-01-01T12:05:00.000Z')));
    expect(outcome).toBe(applied ? 'applied' : 'recorded');
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.at(-1)).toMatchObject({ code, applied, status });
    if (applied) expect(meeting.view.endReason).toBe(DESIGN[code]!.endReason);
  });

  test.each([
    ['recording_paused', 'recording_resumed', 'recording'],
    ['recording_paused', 'call_ended', 'ended'],
    ['recording_resumed', 'recording_paused', 'paused'],
  ] as const)('paused/resumed: recording, %s, %s -> %s', (first, second, status) => {
    const meeting = new Meeting('meetingbaas', BOT);
    meeting.apply(toEvent(statusChange('in_call_recording', '2024-01-01T12:00:00.000Z')));
    meeting.apply(toEvent(statusChange(first, '2024-01-01T12:01:00.000Z')));
    meeting.apply(toEvent(statusChange(second, '2024-01-01T12:02:00.000Z')));
    expect(meeting.status).toBe(status);
    expect(meeting.view.history.every((h) => h.applied)).toBe(true);
  });
});

describe('the seed examples', () => {
  const NAMES = ['status-change.json', 'complete.json', 'failed.json'] as const;

  test.each(NAMES)('%s parses with v1WebhookSchema', (name) => {
    expect(v1WebhookSchema.safeParse(fixture(name)).success).toBe(true);
  });

  test('the parsed examples keep their values', () => {
    const status = parse(fixture('status-change.json'));
    expect(status).toEqual({
      event: 'bot.status_change',
      data: { bot_id: BOT, status: { code: 'joining_call', created_at: '2024-01-01T12:00:00.000Z' } },
    });

    const complete = parse(fixture('complete.json'));
    if (complete.event !== 'complete') throw new Error('expected complete');
    expect(complete.data.mp4).toBe(
      'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4?X-Amz-Signature=...',
    );
    expect(complete.data.speakers).toEqual(['Alice', 'Bob']);
    expect(complete.data.transcript).toHaveLength(2);
    expect(complete.data.transcript![0]!.words[0]).toEqual({
      start: 1.3348110430839002,
      end: 1.4549110430839003,
      word: 'Hi',
    });

    expect(parse(fixture('failed.json'))).toEqual({
      event: 'failed',
      data: { bot_id: BOT, error: 'CannotJoinMeeting' },
    });
  });

  // The seed document is committed under test/fixtures/seeds (see test/fixtures/README.md).
  test('the fixtures are exactly the JSON examples of the seed document', () => {
    const lines = fs.readFileSync(SEED, 'utf8').split(/\r?\n/);
    const blocks: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() !== 'x-meeting-baas-api-key: YOUR-API-KEY') continue;
      // The blank line after the header holds a single space in the seed.
      if (lines[i + 1]?.trim() !== '' || !lines[i + 2]?.startsWith('{')) continue;
      const body: string[] = [];
      for (let j = i + 2; j < lines.length && !lines[j]!.startsWith('```'); j++) body.push(lines[j]!);
      blocks.push(JSON.parse(body.join('\n')));
    }
    expect(blocks).toHaveLength(3);
    expect(blocks).toEqual(NAMES.map((name) => fixture(name)));
  });

  test('the seed examples become valid provider events', () => {
    for (const name of NAMES) {
      const event = toEvent(fixture(name));
      expect(providerEventSchema.safeParse(event).success).toBe(true);
      expect(event).toMatchObject({
        provider: 'meetingbaas',
        externalId: BOT,
        source: 'webhook',
        receivedAt: RECEIVED,
      });
    }
  });

  test('the seed transcript groups into one utterance per speaker turn', () => {
    const complete = parse(fixture('complete.json'));
    if (complete.event !== 'complete') throw new Error('expected complete');
    const transcript = groupIntoUtterances(v1TranscriptWords(complete), complete.data.speakers);
    expect(transcript.speakers).toEqual(['Alice', 'Bob']);
    expect(transcript.utterances.map((u) => [u.speaker, u.text, u.start, u.end])).toEqual([
      ['Alice', 'Hi Bob!', 1.335, 1.575],
      ['Bob', 'Hello Alice!', 2.658, 2.919],
    ]);
  });
});

describe('tolerated extras', () => {
  test.each<[string, (body: any) => void]>([
    ['data.extra on a status change', (b) => (b.data.extra = { anything: true })],
    [
      'data.event_uuid on a status change',
      (b) => (b.data.event_uuid = 'e2c3b0b2-0000-4000-8000-000000000000'),
    ],
    ['status.some_new_field', (b) => (b.data.status.some_new_field = 42)],
    ['a top-level extra field', (b) => (b.sent_at = '2024-01-01T12:00:01Z')],
    ['status.start_time on in_call_recording', (b) => (b.data.status.start_time = '2024-01-01T12:00:00Z')],
  ])('status change with %s parses', (_name, mutate) => {
    const body = clone(fixture('status-change.json'));
    mutate(body);
    const parsed = parse(body);
    if (parsed.event !== 'bot.status_change') throw new Error('expected a status change');
    expect(parsed.data.bot_id).toBe(BOT);
    expect(parsed.data.status.code).toBe('joining_call');
  });

  test.each<[string, (body: any) => void]>([
    ['words with user_id', (b) => b.data.transcript[0].words.forEach((w: any) => (w.user_id = 7))],
    ['segments with an id', (b) => (b.data.transcript[1].id = 'segment-2')],
    ['data.event_uuid', (b) => (b.data.event_uuid = 'abc')],
    ['data.extra', (b) => (b.data.extra = { meeting_url: 'https://meet.example/abc' })],
    ['no speakers at all', (b) => delete b.data.speakers],
    ['no transcript', (b) => delete b.data.transcript],
    ['mp4 null', (b) => (b.data.mp4 = null)],
  ])('complete with %s parses', (_name, mutate) => {
    const body = clone(fixture('complete.json'));
    mutate(body);
    expect(parse(body).data.bot_id).toBe(BOT);
  });

  test('failed with a message and extras parses and keeps the message', () => {
    const body = { event: 'failed', data: { bot_id: BOT, error: 'BotRemoved', message: 'kicked', extra: 1 } };
    const parsed = parse(body);
    if (parsed.event !== 'failed') throw new Error('expected failed');
    expect(parsed.data).toMatchObject({ error: 'BotRemoved', message: 'kicked' });
  });
});

describe('malformed payloads', () => {
  const withStatus = (mutate: (b: any) => void) => () => {
    const b: any = clone(fixture('status-change.json'));
    mutate(b);
    return b;
  };
  const withComplete = (mutate: (b: any) => void) => () => {
    const b: any = clone(fixture('complete.json'));
    mutate(b);
    return b;
  };
  const withFailed = (mutate: (b: any) => void) => () => {
    const b: any = clone(fixture('failed.json'));
    mutate(b);
    return b;
  };

  test.each<[string, () => unknown]>([
    ['status change without bot_id', withStatus((b) => delete b.data.bot_id)],
    ['complete without bot_id', withComplete((b) => delete b.data.bot_id)],
    ['failed without bot_id', withFailed((b) => delete b.data.bot_id)],
    ['bot_id with a slash', withStatus((b) => (b.data.bot_id = 'abc/def'))],
    ['bot_id that is ..', withStatus((b) => (b.data.bot_id = '..'))],
    ['bot_id that climbs up', withComplete((b) => (b.data.bot_id = '../etc'))],
    ['bot_id with spaces', withStatus((b) => (b.data.bot_id = 'abc def'))],
    ['bot_id with a newline', withStatus((b) => (b.data.bot_id = 'abc\ndef'))],
    ['empty bot_id', withFailed((b) => (b.data.bot_id = ''))],
    ['bot_id of 129 characters', withStatus((b) => (b.data.bot_id = 'a'.repeat(129)))],
    ['bot_id not a string', withStatus((b) => (b.data.bot_id = 12345))],
    ['status without code', withStatus((b) => delete b.data.status.code)],
    ['status with an empty code', withStatus((b) => (b.data.status.code = ''))],
    ['status without created_at', withStatus((b) => delete b.data.status.created_at)],
    ['created_at an object', withStatus((b) => (b.data.status.created_at = { at: 'now' }))],
    ['created_at null', withStatus((b) => (b.data.status.created_at = null))],
    ['no status at all', withStatus((b) => delete b.data.status)],
    ['no data at all', withStatus((b) => delete b.data)],
    ['words with a string start', withComplete((b) => (b.data.transcript[0].words[0].start = '1.33'))],
    ['words with a negative end', withComplete((b) => (b.data.transcript[0].words[0].end = -1))],
    ['words without the word', withComplete((b) => delete b.data.transcript[0].words[0].word)],
    ['transcript not an array', withComplete((b) => (b.data.transcript = { speaker: 'Alice', words: [] }))],
    ['transcript a string', withComplete((b) => (b.data.transcript = 'Hi Bob! Hello Alice!'))],
    ['segment without words', withComplete((b) => delete b.data.transcript[0].words)],
    ['speakers not strings', withComplete((b) => (b.data.speakers = [1, 2]))],
    ['speakers a string', withComplete((b) => (b.data.speakers = 'Alice, Bob'))],
    ['failed without error', withFailed((b) => delete b.data.error)],
    ['failed with an empty error', withFailed((b) => (b.data.error = ''))],
    ['mp4 not a URL', withComplete((b) => (b.data.mp4 = 'not a url'))],
    ['mp4 not http(s)', withComplete((b) => (b.data.mp4 = 'file:///etc/passwd'))],
    ['mp4 a javascript: URL', withComplete((b) => (b.data.mp4 = 'javascript:alert(1)'))],
    ['event name mismatch: failed with status-change data', withStatus((b) => (b.event = 'failed'))],
    [
      'event name mismatch: status change with complete data',
      withComplete((b) => (b.event = 'bot.status_change')),
    ],
    ['event name mismatch: failed with complete data', withComplete((b) => (b.event = 'failed'))],
    [
      'event name mismatch: status change with failed data',
      withFailed((b) => (b.event = 'bot.status_change')),
    ],
    ['unknown event name', withStatus((b) => (b.event = 'bot.status_changed'))],
    ['no event name', withStatus((b) => delete b.event)],
    ['not an object', () => 'complete'],
    ['null', () => null],
  ])('%s does not parse', (_name, build) => {
    expect(v1WebhookSchema.safeParse(build()).success).toBe(false);
  });

  // Not a mismatch the schema can see: `complete` only requires bot_id (mp4, speakers, transcript may be absent).
  test('a complete carrying only a bot_id (e.g. status-change data renamed complete) parses as an empty complete', () => {
    const body: any = clone(fixture('status-change.json'));
    body.event = 'complete';
    const parsed = parse(body);
    expect(parsed).toEqual({ event: 'complete', data: { bot_id: BOT, speakers: [] } });
  });

  test('a bot_id of exactly 128 characters is still accepted (the bound is not off by one)', () => {
    const body: any = clone(fixture('status-change.json'));
    body.data.bot_id = 'a'.repeat(128);
    expect(v1WebhookSchema.safeParse(body).success).toBe(true);
  });
});

describe('provider timestamps', () => {
  test.each([
    ['2024-01-01T12:00:00', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00:00.5', '2024-01-01T12:00:00.500Z'],
    ['2024-01-01T12:00:00.123', '2024-01-01T12:00:00.123Z'],
    ['2024-01-01T12:00:00Z', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T12:00:00.000Z', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T14:00:00+02:00', '2024-01-01T12:00:00.000Z'],
    ['2024-01-01T07:30:00-04:30', '2024-01-01T12:00:00.000Z'],
    ['2023-12-31T23:59:59.999-01:00', '2024-01-01T00:59:59.999Z'],
  ])('created_at %s is read as %s', (input, expected) => {
    const parsed = parse(statusChange('joining_call', input));
    if (parsed.event !== 'bot.status_change') throw new Error('expected a status change');
    expect(parsed.data.status.created_at).toBe(expected);
    expect(toEvent(statusChange('joining_call', input)).occurredAt).toBe(expected);
  });

  test('start_time is normalised the same way', () => {
    const parsed = parse(
      statusChange('in_call_recording', '2024-01-01T12:00:05', { start_time: '2024-01-01T12:00:00' }),
    );
    if (parsed.event !== 'bot.status_change') throw new Error('expected a status change');
    expect(parsed.data.status.start_time).toBe('2024-01-01T12:00:00.000Z');
  });

  // Evidence, not law: the webhook is accepted and the timestamp kept as it came (cut to 64 characters); the
  // meeting places the event at its receipt, with a note (domain/provider-time.ts).
  test.each<[string, unknown, string]>([
    ['not a date', 'yesterday', 'yesterday'],
    ['a date without a time', '2024-01-01', '2024-01-01'],
    ['an epoch number', 1704110400000, '1704110400000'],
    ['year 0', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    ['past year 9999 once its offset is applied', '9999-12-31T23:59:59-23:59', '9999-12-31T23:59:59-23:59'],
    ['February 30', '2024-02-30T12:00:00Z', '2024-02-30T12:00:00Z'],
    ['very long', 'x'.repeat(5000), 'x'.repeat(64)],
  ])('created_at %s is accepted and kept as it came', (_name, input, kept) => {
    const body: any = statusChange('joining_call', '2024-01-01T12:00:00Z');
    body.data.status.created_at = input;
    const parsed = parse(body);
    if (parsed.event !== 'bot.status_change') throw new Error('expected a status change');
    expect(parsed.data.status.created_at).toBe(kept);
    const event = toEvent(body);
    expect(event.occurredAt).toBe(kept);
    expect(event.dedupeKey).toBe(`status:joining_call:${kept}`);
    expect(providerEventSchema.safeParse(event).success).toBe(true);
  });

  test('the same instant written two ways gives the same dedupe key', () => {
    const a = toEvent(statusChange('call_ended', '2024-01-01T12:00:00'));
    const b = toEvent(statusChange('call_ended', '2024-01-01T13:00:00+01:00'));
    expect(a.dedupeKey).toBe(b.dedupeKey);
  });
});

describe('v1ToProviderEvent', () => {
  test.each(SEED_CODES)('status %s: kind from the table, dedupe key status:<code>:<created_at>', (code) => {
    const event = toEvent(statusChange(code, '2024-01-01T12:00:00Z'));
    expect(event.kind).toBe(V1_STATUS_CODES[code]!.kind);
    expect(event.code).toBe(code);
    expect(event.occurredAt).toBe('2024-01-01T12:00:00.000Z');
    expect(event.dedupeKey).toBe(`status:${code}:2024-01-01T12:00:00.000Z`);
    expect(event.endReason).toBe(DESIGN[code]!.endReason);
    expect(providerEventSchema.safeParse(event).success).toBe(true);
  });

  test('the same code at two times gives two dedupe keys', () => {
    const a = toEvent(statusChange('recording_paused', '2024-01-01T12:00:00Z'));
    const b = toEvent(statusChange('recording_paused', '2024-01-01T12:10:00Z'));
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });

  test.each(['bot_exploded', 'joining', 'IN_CALL_RECORDING', 'toString', 'constructor', '__proto__'])(
    'an unknown code (%s) gives kind unknown',
    (code) => {
      const event = toEvent(statusChange(code, '2024-01-01T12:00:00Z'));
      expect(event.kind).toBe('unknown');
      expect(event.code).toBe(code);
      expect(event.dedupeKey).toBe(`status:${code}:2024-01-01T12:00:00.000Z`);
      expect(event.endReason).toBeUndefined();
      expect(providerEventSchema.safeParse(event).success).toBe(true);
    },
  );

  test('meeting_error: error_type and error_message appear in the note', () => {
    const event = toEvent(
      statusChange('meeting_error', '2024-01-01T12:00:00Z', {
        error_message: 'connection to the media server lost',
        error_type: 'NetworkError',
      }),
    );
    expect(event.kind).toBe('ended');
    expect(event.endReason).toBe('meeting_error');
    expect(event.note).toContain('connection to the media server lost');
    expect(event.note).toContain('NetworkError');
  });

  test('meeting_error with only an error_message still notes it', () => {
    const event = toEvent(statusChange('meeting_error', '2024-01-01T12:00:00Z', { error_message: 'boom' }));
    expect(event.note).toContain('boom');
  });

  test('a plain status change has no note and never carries the raw body', () => {
    const body = fixture('status-change.json');
    const event = toEvent(body);
    expect(event.note).toBeUndefined();
    expect(event).not.toHaveProperty('payload');
    expect(JSON.stringify(event)).not.toContain(JSON.stringify(body));
  });

  test("a provider's error text has the URLs in it redacted", () => {
    const event = toEvent(
      statusChange('invalid_meeting_url', '2024-01-01T12:00:00Z', {
        error_message: 'cannot join https://zoom.us/j/123?pwd=SECRETPWD.',
      }),
    );
    expect(event.note).toContain('https://zoom.us/j/123?pwd=***.');
    expect(event.note).not.toContain('SECRETPWD');
  });

  test('complete: final data with recording URL, expiry, speakers and transcript flag', () => {
    const payloadRef = { uri: 'file:///archive/inbox/x.json', bytes: 1234, sha256: 'a'.repeat(64) };
    const event = toEvent(fixture('complete.json'), {
      payloadRef,
      recordingUrlExpiresAt: '2024-01-01T15:00:00.000Z',
    });
    expect(event).toMatchObject({
      kind: 'final_data',
      code: 'complete',
      dedupeKey: 'complete',
      hasTranscript: true,
      speakers: ['Alice', 'Bob'],
      payloadRef,
      // The signed URL stays in the claim-checked body: the event says where, without the signature.
      recording: {
        url: 'https://bots-videos.s3.eu-west-3.amazonaws.com/path/to/video.mp4',
        urlExpiresAt: '2024-01-01T15:00:00.000Z',
        redacted: true,
      },
    });
    expect(JSON.stringify(event)).not.toContain('X-Amz-Signature');
    expect(event.occurredAt).toBeUndefined();
    expect(providerEventSchema.safeParse(event).success).toBe(true);
  });

  test('complete without transcript: hasTranscript false, with a note', () => {
    const body: any = clone(fixture('complete.json'));
    delete body.data.transcript;
    const event = toEvent(body);
    expect(event.hasTranscript).toBe(false);
    expect(event.note).toEqual(expect.any(String));
  });

  test.each([
    ['null', null],
    ['absent', undefined],
  ])('complete with mp4 %s has no recording', (_name, mp4) => {
    const body: any = clone(fixture('complete.json'));
    if (mp4 === undefined) delete body.data.mp4;
    else body.data.mp4 = mp4;
    expect(toEvent(body).recording?.url).toBeUndefined();
  });

  const DOCUMENTED_ERRORS = [
    'CannotJoinMeeting',
    'TimeoutWaitingToStart',
    'BotNotAccepted',
    'BotRemoved',
    'InternalError',
    'InvalidMeetingUrl',
  ];

  test('every documented error type has an explanation', () => {
    expect(Object.keys(V1_FAILURE_MESSAGES).sort()).toEqual([...DOCUMENTED_ERRORS].sort());
  });

  test.each(DOCUMENTED_ERRORS)(
    'failed %s: final_failure, error code = provider error, documented message',
    (error) => {
      const event = toEvent({ event: 'failed', data: { bot_id: BOT, error } });
      expect(event.kind).toBe('final_failure');
      expect(event.code).toBe('failed');
      expect(event.dedupeKey).toBe(`failed:${error}`);
      expect(event.error?.code).toBe(error);
      expect(event.error?.message).toBe(V1_FAILURE_MESSAGES[error]);
      expect(event.error!.message.length).toBeGreaterThan(0);
      expect(providerEventSchema.safeParse(event).success).toBe(true);
    },
  );

  test('failed with an undocumented error still carries the code and some message', () => {
    const event = toEvent({ event: 'failed', data: { bot_id: BOT, error: 'SomethingNew' } });
    expect(event.error?.code).toBe('SomethingNew');
    expect(event.error?.message).toEqual(expect.any(String));
    expect(event.error!.message.length).toBeGreaterThan(0);
  });

  test('failed with a provider message prefers that message', () => {
    const event = toEvent({
      event: 'failed',
      data: { bot_id: BOT, error: 'InternalError', message: 'disk full' },
    });
    expect(event.error).toEqual({ code: 'InternalError', message: 'disk full' });
  });
});
