// GET /meetings: meetings from Temporal visibility, filtered by MeetingProvider/MeetingStatus, newest first,
// paged with an opaque cursor. The dev server is shared with other test files, so every assertion looks at
// this file's meetings (unique ids) among whatever else the filters match.
import { randomUUID } from 'node:crypto';
import { meetingsListSchema, type MeetingsList, type MeetingSummary } from '../../contract/meetings-list';
import { SEND_BOT_WORKFLOW_TYPE } from '../../contract/workflow';
import { freePort } from '../helpers/dev-server';
import { eventually, postJson, startStack, type Stack } from '../helpers/stack';

const run = `list-${randomUUID().slice(0, 8)}`;
// A status other tests hardly leave meetings in, and a second one to tell the status filter works.
const pausedIds = Array.from({ length: 24 }, (_, i) => `${run}-paused-${i}`);
const inCallIds = Array.from({ length: 6 }, (_, i) => `${run}-incall-${i}`);
const botRequestId = `meetingbaas-bot-request:${run}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  const statusChange = (botId: string, code: string) =>
    postJson(stack.webhookUrl, {
      event: 'bot.status_change',
      data: { bot_id: botId, status: { code, created_at: '2024-01-01T12:00:00.000Z' } },
    });
  const answers = await Promise.all([
    ...pausedIds.map((id) => statusChange(id, 'recording_paused')),
    ...inCallIds.map((id) => statusChange(id, 'in_call_not_recording')),
  ]);
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  // A workflow that is not a meeting, in the same namespace: never listed. No worker polls its queue.
  await stack.client.workflow.start(SEND_BOT_WORKFLOW_TYPE, {
    workflowId: botRequestId,
    taskQueue: `${stack.taskQueue}-nobody`,
    args: [{}],
  });
}, 60_000);
afterAll(async () => {
  await stack?.client.workflow
    .getHandle(botRequestId)
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
});

async function page(query: string): Promise<{ status: number; body: any }> {
  const res = await stack.api(`/meetings${query}`);
  return { status: res.status, body: await res.json() };
}

/** Every page of a listing, following nextCursor; each page is checked against the response schema. */
async function allPages(params: Record<string, string>): Promise<MeetingsList[]> {
  const pages: MeetingsList[] = [];
  let cursor: string | null = null;
  do {
    const search = new URLSearchParams(cursor ? { ...params, cursor } : params);
    const { status, body } = await page(`?${search.toString()}`);
    expect(status).toBe(200);
    pages.push(meetingsListSchema.parse(body));
    cursor = pages.at(-1)!.nextCursor;
  } while (cursor);
  return pages;
}

const ours = (items: MeetingSummary[], ids: string[]) =>
  items.filter((m) => ids.includes(m.externalId) && m.provider === 'meetingbaas');

/** Pages through a filter until visibility shows all of `ids` (it is eventually consistent). */
const listedWhenAll = (params: Record<string, string>, ids: string[]) =>
  eventually(
    async () => allPages(params),
    (pages) =>
      ours(
        pages.flatMap((p) => p.items),
        ids,
      ).length >= ids.length,
  );

test('status and provider filters, paged by the cursor, newest first', async () => {
  const pages = await listedWhenAll({ provider: 'meetingbaas', status: 'paused', limit: '7' }, pausedIds);
  const items = pages.flatMap((p) => p.items);

  // Each of ours exactly once over all the pages, in pages of at most 7.
  expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(pausedIds.length / 7));
  for (const p of pages) expect(p.items.length).toBeLessThanOrEqual(7);
  expect(new Set(items.map((m) => m.workflowId)).size).toBe(items.length);
  const mine = ours(items, pausedIds);
  expect(mine.map((m) => m.externalId).sort()).toEqual([...pausedIds].sort());

  // The filter holds for everything listed, not only for ours.
  for (const m of items) expect([m.provider, m.status]).toEqual(['meetingbaas', 'paused']);
  for (const m of mine) {
    expect(m).toEqual({
      workflowId: `meetingbaas:${m.externalId}`,
      provider: 'meetingbaas',
      externalId: m.externalId,
      status: 'paused',
      startedAt: expect.any(String),
    });
  }
  // Newest first: all of ours are open, and open workflows come by start time, latest first.
  const started = mine.map((m) => Date.parse(m.startedAt));
  expect(started).toEqual([...started].sort((a, b) => b - a));

  // Another status: only the in-call ones; another provider: none of ours.
  const inCall = (await listedWhenAll({ status: 'in_call', limit: '100' }, inCallIds)).flatMap(
    (p) => p.items,
  );
  expect(
    ours(inCall, [...pausedIds, ...inCallIds])
      .map((m) => m.externalId)
      .sort(),
  ).toEqual([...inCallIds].sort());
  expect(inCall.every((m) => m.status === 'in_call')).toBe(true);
  const webex = (await allPages({ provider: 'webex', status: 'paused', limit: '100' })).flatMap(
    (p) => p.items,
  );
  expect(webex.every((m) => m.provider === 'webex')).toBe(true);
  expect(ours(webex, pausedIds)).toEqual([]);
});

test('without filters: every meeting of every status, and only meeting workflows', async () => {
  // The non-meeting workflow is in visibility, so leaving it out is the list's doing.
  await eventually(
    async () => {
      const found: string[] = [];
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${botRequestId}'` }))
        found.push(wf.workflowId);
      return found;
    },
    (found) => found.length === 1,
  );
  const all = [...pausedIds, ...inCallIds];
  const items = (await listedWhenAll({ limit: '100' }, all)).flatMap((p) => p.items);
  expect(ours(items, all)).toHaveLength(all.length);
  expect(items.map((m) => m.workflowId)).not.toContain(botRequestId);
  for (const m of items) expect(m.workflowId).toBe(`${m.provider}:${m.externalId}`);
});

test('the limit is the page size; without one a page has at most 20', async () => {
  await listedWhenAll({ provider: 'meetingbaas', status: 'paused', limit: '100' }, pausedIds);
  const one = await page('?provider=meetingbaas&status=paused&limit=1');
  expect(one.status).toBe(200);
  expect(one.body.items).toHaveLength(1);
  expect(typeof one.body.nextCursor).toBe('string');
  const second = await page(`?provider=meetingbaas&status=paused&limit=1&cursor=${one.body.nextCursor}`);
  expect(second.body.items).toHaveLength(1);
  expect(second.body.items[0].workflowId).not.toBe(one.body.items[0].workflowId);

  const byDefault = await page('?provider=meetingbaas&status=paused');
  expect(byDefault.status).toBe(200);
  expect(byDefault.body.items).toHaveLength(20);
  expect(typeof byDefault.body.nextCursor).toBe('string');
});

describe('invalid filters: 400 invalid_payload naming the parameter', () => {
  test.each([
    ['an unknown provider', '?provider=zoom', 'provider'],
    ['an unknown status', '?status=done', 'status'],
    ['an empty status', '?status=', 'status'],
    ['a status given twice', '?status=paused&status=in_call', 'status'],
    ['limit 0', '?limit=0', 'limit'],
    ['limit 101', '?limit=101', 'limit'],
    ['a limit that is not a number', '?limit=ten', 'limit'],
    ['a fractional limit', '?limit=1.5', 'limit'],
    ['a cursor with characters base64url has not', '?cursor=not%20a%20cursor!', 'cursor'],
    ['a cursor that decodes to nothing', '?cursor=A', 'cursor'],
    ['an unknown parameter', '?state=paused', ''],
  ])('%s', async (_name, query, path) => {
    const res = await page(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_payload', message: expect.any(String) });
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  test('a well-formed cursor no listing gave, a truncated one, one from other filters', async () => {
    const first = await page('?provider=meetingbaas&status=paused&limit=2');
    const cursor = first.body.nextCursor as string;
    const token = Buffer.from(cursor, 'base64url');
    const forged = [
      Buffer.from('{"CloseTime":"9999-12-31T23:59:59Z"}').toString('base64url'),
      token.subarray(0, token.length - 1).toString('base64url'),
    ];
    for (const bad of forged) {
      const res = await page(`?provider=meetingbaas&status=paused&limit=2&cursor=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_payload', issues: [{ path: 'cursor' }] });
    }
    const otherFilters = await page(`?provider=meetingbaas&status=in_call&limit=2&cursor=${cursor}`);
    expect(otherFilters.status).toBe(400);
    expect(otherFilters.body).toMatchObject({ error: 'invalid_payload', issues: [{ path: 'cursor' }] });
    // The same cursor with its own filters is fine (and the page size may change between pages).
    expect((await page(`?provider=meetingbaas&status=paused&limit=5&cursor=${cursor}`)).status).toBe(200);
  });
});

test('Temporal unreachable: 503 temporal_unavailable', async () => {
  const down = await startStack({
    worker: false,
    address: `127.0.0.1:${await freePort()}`,
    callTimeoutMs: 1000,
  });
  try {
    const res = await down.api(`/meetings?status=paused`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'temporal_unavailable' });
  } finally {
    await down.stop();
  }
});
