import { botRequestKey } from '../../api/meetingbaas/bots';
import { botRequestSchema, toV2CreateBot } from '../../domain/meetingbaas/bot-request';

const minimal = { meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'Notetaker' };

describe('botRequestSchema', () => {
  test('the two required fields are enough', () => {
    expect(botRequestSchema.parse(minimal)).toEqual(minimal);
  });

  test('every optional field of the v1 JoinRequest that the service passes on', () => {
    const full = {
      ...minimal,
      bot_image: 'https://example.com/bot.png',
      entry_message: 'Hello, I take notes',
      recording_mode: 'audio_only',
      speech_to_text: { provider: 'Gladia' },
      automatic_leave: { waiting_room_timeout: 120, noone_joined_timeout: 300 },
      start_time: 1_760_000_000,
      deduplication_key: 'standup-42',
      extra: { customer: 'c-1' },
    };
    expect(botRequestSchema.parse(full)).toEqual(full);
  });

  test.each<[string, object]>([
    ['no meeting_url', { bot_name: 'x' }],
    ['no bot_name', { meeting_url: minimal.meeting_url }],
    ['a meeting_url that is not http(s)', { ...minimal, meeting_url: 'javascript:alert(1)' }],
    ['a blank bot_name', { ...minimal, bot_name: '   ' }],
    ['an unknown recording_mode', { ...minimal, recording_mode: 'hologram' }],
    ['a negative timeout', { ...minimal, automatic_leave: { waiting_room_timeout: -1 } }],
    ['an unknown field (a typo must not be dropped silently)', { ...minimal, bot_nmae: 'x' }],
    // v1 webhooks carry the account's API key: the caller must not choose where they go.
    ['a webhook_url', { ...minimal, webhook_url: 'https://attacker.example/collect' }],
  ])('refuses %s', (_name, body) => {
    expect(botRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('toV2CreateBot', () => {
  test('translates the v1 names and leaves out what was not asked', () => {
    const request = botRequestSchema.parse({
      ...minimal,
      speech_to_text: 'Default',
      automatic_leave: { waiting_room_timeout: 120, noone_joined_timeout: 300 },
      deduplication_key: 'k',
    });
    expect(toV2CreateBot(request)).toEqual({
      ...minimal,
      allow_multiple_bots: true,
      transcription_enabled: true,
      timeout_config: { waiting_room_timeout: 120, no_one_joined_timeout: 300 },
    });
    expect(toV2CreateBot(botRequestSchema.parse(minimal))).toEqual(minimal);
  });
});

describe('botRequestKey', () => {
  const request = botRequestSchema.parse(minimal);
  test('the caller key wins, then the deduplication key, then the request itself', () => {
    expect(botRequestKey(request, 'abc')).toBe('key:abc');
    const dedup = botRequestKey({ ...request, deduplication_key: 'standup' }, undefined);
    expect(dedup).toMatch(/^dedup:[0-9a-f]{40}$/);
    expect(botRequestKey(request, undefined)).toMatch(/^body:[0-9a-f]{40}$/);
  });

  test('the same request gives the same key whatever the field order; another request another key', () => {
    const reordered = botRequestSchema.parse({ bot_name: 'Notetaker', meeting_url: minimal.meeting_url });
    expect(botRequestKey(reordered, undefined)).toBe(botRequestKey(request, undefined));
    expect(botRequestKey({ ...request, bot_name: 'Other' }, undefined)).not.toBe(
      botRequestKey(request, undefined),
    );
  });

  test('the key (in the workflow id) is computed without the meeting password and the speech-to-text key', () => {
    const withSecrets = (pwd: string, apiKey: string) =>
      botRequestKey(
        botRequestSchema.parse({
          meeting_url: `https://zoom.us/j/123456789?pwd=${pwd}`,
          bot_name: 'Notetaker',
          speech_to_text: { provider: 'Gladia', api_key: apiKey },
        }),
        undefined,
      );
    expect(withSecrets('111111', 'key-a')).toBe(withSecrets('999999', 'key-b'));
    expect(withSecrets('111111', 'key-a')).not.toBe(
      botRequestKey(
        botRequestSchema.parse({ ...minimal, meeting_url: 'https://zoom.us/j/987654321?pwd=1' }),
        undefined,
      ),
    );
  });
});
