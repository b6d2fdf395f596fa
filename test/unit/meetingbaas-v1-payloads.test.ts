// Meeting BaaS v1 webhook bodies against v1WebhookSchema: the seed document's examples, extra fields
// tolerated, malformed bodies refused.
import fs from 'node:fs';
import { providerEventSchema } from '../../domain/events';
import { v1TranscriptWords, v1WebhookSchema } from '../../domain/meetingbaas/v1';
import { groupIntoUtterances } from '../../domain/transcript';
import { SEED, BOT, RECEIVED, fixture, clone, parse, toEvent } from './meetingbaas-v1-fixtures';

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
