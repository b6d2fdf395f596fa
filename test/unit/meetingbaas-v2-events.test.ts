// Meeting BaaS v2 webhooks as provider events (v2ToProviderEvent): delivery ids, final data, failures, and
// a whole v2 meeting.
import { Meeting } from '../../domain/meeting';
import { BOT, REF, toEvent, statusChange, completed } from './meetingbaas-v2-fixtures';

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
