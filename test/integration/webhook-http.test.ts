// The HTTP edge of POST /webhooks/meetingbaas and GET /meetings: every refusal the design names.
import { API_KEY, postJson, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await stack?.stop();
});

const status = (botId: string) => ({
  event: 'bot.status_change',
  data: { bot_id: botId, status: { code: 'joining_call', created_at: '2024-01-01T12:00:00.000Z' } },
});

describe('authentication', () => {
  test.each([
    ['missing', {}],
    ['wrong', { 'x-meeting-baas-api-key': 'not-the-key' }],
    ['wrong by one character', { 'x-meeting-baas-api-key': API_KEY.slice(0, -1) + 'X' }],
    ['empty', { 'x-meeting-baas-api-key': '' }],
  ])('%s API key: 401 unauthorized', async (_name, headers) => {
    const res = await postJson(stack.webhookUrl, status('auth-bot'), headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });
});

describe('bad input is a clear 4xx, never a 500', () => {
  test('malformed JSON: 400 invalid_json', async () => {
    const res = await postJson(stack.webhookUrl, '{"event": "complete", "data": {');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_json' });
  });

  test('empty body: 400 invalid_json', async () => {
    const res = await postJson(stack.webhookUrl, '');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_json' });
  });

  test.each([
    ['a JSON array', []],
    ['no event', { data: {} }],
    [
      'status without code',
      { event: 'bot.status_change', data: { bot_id: 'b1', status: { created_at: '2024-01-01T12:00:00Z' } } },
    ],
    // A timestamp that is not one is accepted (evidence, not law): odd-timestamps-and-admission.test.ts.
    [
      'a timestamp that is not even a string or a number',
      {
        event: 'bot.status_change',
        data: { bot_id: 'b1', status: { code: 'joining_call', created_at: { when: 'yesterday' } } },
      },
    ],
    [
      'complete with words not an array',
      {
        event: 'complete',
        data: {
          bot_id: 'b1',
          mp4: 'https://x.amazonaws.com/a.mp4',
          speakers: [],
          transcript: [{ speaker: 'A', words: 'hi' }],
        },
      },
    ],
    ['failed without error', { event: 'failed', data: { bot_id: 'b1' } }],
  ])('%s: 400 invalid_payload with the issues', async (_name, body) => {
    const res = await postJson(stack.webhookUrl, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_payload', message: expect.any(String) });
    expect(Array.isArray(res.body!.issues)).toBe(true);
    expect((res.body!.issues as unknown[]).length).toBeGreaterThan(0);
  });

  test.each([
    ['a slash', 'a/b'],
    ['a dot-segment', '..'],
    ['a space', 'a b'],
    ['a colon', 'a:b'],
    ['a newline', 'a\nb'],
    ['nothing', ''],
    ['too many characters', 'x'.repeat(129)],
  ])('a bot id with %s: 400 naming bot_id', async (_name, botId) => {
    const res = await postJson(stack.webhookUrl, status(botId));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_payload' });
    expect(JSON.stringify(res.body!.issues)).toMatch(/bot_id/);
  });

  test('not JSON content: 415 unsupported_media_type', async () => {
    const res = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-meeting-baas-api-key': API_KEY },
      body: 'event=complete',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  test('a body above the limit: 413 payload_too_large', async () => {
    const res = await postJson(stack.webhookUrl, {
      event: 'complete',
      data: { bot_id: 'big', pad: 'x'.repeat(65 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
  });

  test('an event type the service does not know: 202 ignored', async () => {
    const res = await postJson(stack.webhookUrl, { event: 'calendar.sync_events', data: { whatever: 1 } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ignored: true });
  });
});

describe('reading meetings', () => {
  test('unknown meeting: 404 not_found', async () => {
    const res = await stack.api(`/meetings/meetingbaas/never-seen-${Date.now()}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  test('unknown provider: 404', async () => {
    const res = await stack.api(`/meetings/zoom/abc`);
    expect(res.status).toBe(404);
  });

  test('unsafe id: 400', async () => {
    const res = await stack.api(`/meetings/meetingbaas/a%3Ab`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_payload' });
  });

  test('unknown route: 404 JSON', async () => {
    const res = await stack.api(`/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});

test('healthz and readyz', async () => {
  expect((await stack.api(`/healthz`)).status).toBe(200);
  const ready = await stack.api(`/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready' });
});
