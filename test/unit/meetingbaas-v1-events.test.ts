// Meeting BaaS v1 webhooks as provider events (v1ToProviderEvent): kinds, dedupe keys, notes, final data,
// and the provider timestamps normalised.
import { providerEventSchema } from '../../domain/events';
import { V1_FAILURE_MESSAGES, V1_STATUS_CODES } from '../../domain/meetingbaas/v1';
import {
  BOT,
  fixture,
  clone,
  parse,
  statusChange,
  toEvent,
  DESIGN,
  SEED_CODES,
} from './meetingbaas-v1-fixtures';

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
