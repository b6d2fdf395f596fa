// Who may call what, tried over HTTP as a stranger, a reader and a writer would (see api/access.ts).
import { API_KEY, bearer, postJson, READ_TOKEN, startStack, type Stack, WRITE_TOKEN } from '../helpers/stack';

let stack: Stack;
let unconfigured: Stack;
let botId: string;
beforeAll(async () => {
  [stack, unconfigured] = await Promise.all([startStack(), startStack({ worker: false, apiTokens: null })]);
  botId = `access-${Date.now()}`;
  const started = await postJson(stack.webhookUrl, {
    event: 'bot.status_change',
    data: { bot_id: botId, status: { code: 'joining_call', created_at: '2024-01-01T12:00:00.000Z' } },
  });
  expect(started.status).toBe(200);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), unconfigured?.stop()]);
});

type Route = [method: string, path: () => string, body?: unknown];
const READ_ROUTES: Route[] = [
  ['GET', () => '/meetings'],
  ['GET', () => `/meetings/meetingbaas/${botId}`],
  ['GET', () => `/meetings/meetingbaas/${botId}/recording`],
  ['GET', () => '/metrics'],
  ['GET', () => '/no/such/route'],
  ['GET', () => `/meetings/meetingbaas/${botId}/recording/file`],
];
const WRITE_ROUTES: Route[] = [
  ['POST', () => `/meetings/meetingbaas/${botId}/recording-url`],
  ['POST', () => '/bots', { meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'Stranger' }],
  ['DELETE', () => `/bots/${botId}`],
  ['POST', () => '/no/such/route'],
  ['DELETE', () => `/meetings/meetingbaas/${botId}/data`],
];

async function call([method, path, body]: Route, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.apiUrl}${path()}`, {
    method,
    redirect: 'manual',
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    challenge: res.headers.get('www-authenticate'),
    body: (await res.json().catch(() => undefined)) as { error?: string; message?: string } | undefined,
  };
}

describe.each([...READ_ROUTES, ...WRITE_ROUTES])('%s %p', (...route) => {
  test.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['an unknown token', bearer('not-a-configured-token-at-all')],
    ['a configured token with a byte more', bearer(`${WRITE_TOKEN}x`)],
    ['another scheme', { authorization: `Basic ${Buffer.from(`u:${WRITE_TOKEN}`).toString('base64')}` }],
    ["a provider's webhook key", { 'x-meeting-baas-api-key': API_KEY }],
  ])('%s: 401 unauthorized, a Bearer challenge, nothing served', async (_what, headers) => {
    const res = await call(route, headers);
    expect(res).toMatchObject({ status: 401, challenge: 'Bearer', location: null });
    expect(res.body).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
  });
});

test.each(WRITE_ROUTES)('%s %p with a read token: 403 forbidden', async (...route) => {
  const res = await call(route, bearer(READ_TOKEN));
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({
    error: 'forbidden',
    message: expect.stringMatching(/needs a write token/),
  });
});

test('a read token reads; a write token reads and writes', async () => {
  for (const token of [READ_TOKEN, WRITE_TOKEN]) {
    expect((await call(READ_ROUTES[0]!, bearer(token))).status).toBe(200);
    expect((await call(READ_ROUTES[1]!, bearer(token))).body).toMatchObject({ status: 'joining' });
    expect((await call(READ_ROUTES[3]!, bearer(token))).status).toBe(200);
  }
  // Authorised, the unknown route is what it is.
  expect((await call(READ_ROUTES[4]!, bearer(READ_TOKEN))).status).toBe(404);
  // Past the check, the write route does its work.
  const removed = await call(WRITE_ROUTES[2]!, bearer(WRITE_TOKEN));
  expect(removed.status).toBe(202);
});

test('probes and the API description are open; webhooks take their provider credential, not a token', async () => {
  for (const path of ['/healthz', '/readyz', '/openapi.json'])
    expect((await fetch(`${stack.apiUrl}${path}`)).status).toBe(200);
  const webhook = await postJson(stack.webhookUrl, {
    event: 'bot.status_change',
    data: { bot_id: botId, status: { code: 'in_waiting_room', created_at: '2024-01-01T12:00:01.000Z' } },
  });
  expect(webhook.status).toBe(200);
  const noKey = await postJson(stack.webhookUrl, { event: 'complete' }, bearer(WRITE_TOKEN));
  expect(noKey.status).toBe(401);
});

test('with API_TOKENS unset every protected route answers 401 and names the variable', async () => {
  for (const [method, path] of [...READ_ROUTES, ...WRITE_ROUTES]) {
    const res = await fetch(`${unconfigured.apiUrl}${path()}`, { method, headers: bearer(WRITE_TOKEN) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: 'unauthorized',
      message: expect.stringMatching(/API_TOKENS/),
    });
  }
  expect((await fetch(`${unconfigured.apiUrl}/healthz`)).status).toBe(200);
});

test("a storm of strangers' DELETE /bots never reaches the meeting's workflow", async () => {
  const handle = stack.client.workflow.getHandle(`meetingbaas:${botId}`);
  const signals = async () =>
    ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)
      .length;
  const before = await signals();
  const answers = await Promise.all(
    Array.from({ length: 200 }, () => fetch(`${stack.apiUrl}/bots/${botId}`, { method: 'DELETE' })),
  );
  expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
  expect(await signals()).toBe(before);
  expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
});

test('the OpenAPI document declares the access of every route', async () => {
  const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  };
  expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  const op = (path: string, method: string) => doc.paths[path]![method]!;
  expect(op('/healthz', 'get').security).toEqual([]);
  expect(op('/openapi.json', 'get').security).toEqual([]);
  expect(op('/metrics', 'get').security).toEqual([{ apiToken: ['read'] }]);
  expect(op('/meetings', 'get').security).toEqual([{ apiToken: ['read'] }]);
  expect(op('/meetings/{provider}/{externalId}/recording-url', 'post').security).toEqual([
    { apiToken: ['write'] },
  ]);
  expect(op('/bots', 'post').security).toEqual([{ apiToken: ['write'] }]);
  expect(Object.keys(op('/bots', 'post').responses)).toEqual(expect.arrayContaining(['401', '403']));
  expect(Object.keys(op('/meetings', 'get').responses)).toContain('401');
  // The webhooks keep their providers' credentials.
  expect(op('/webhooks/webex', 'post').security).toEqual([{ webexSignature: [] }]);
});
