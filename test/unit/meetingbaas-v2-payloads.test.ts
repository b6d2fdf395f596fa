// Meeting BaaS v2 webhook bodies against v2WebhookSchema: the webhooks page's examples parse, malformed
// bodies do not.
import { v2WebhookSchema } from '../../domain/meetingbaas/v2';
import { BOT, parse, completed } from './meetingbaas-v2-fixtures';

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
