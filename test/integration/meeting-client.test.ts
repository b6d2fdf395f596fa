// Reading meetings as another service does: GET /meetings/... of a closed meeting whose worker is gone, and
// the typed client (client/) over HTTP and over a Temporal client, against the live service.
import { Client, Connection } from '@temporalio/client';
import {
  allMeetings,
  HttpMeetingsClient,
  MeetingNotFoundError,
  MeetingRequestRefusedError,
  MeetingsUnavailableError,
  TemporalMeetingsClient,
  type MeetingsClient,
  type MeetingView,
} from '../../client';
import { meetingViewSchema } from '../../domain/view';
import { freePort } from '../helpers/dev-server';
import { eventually, postJson, READ_TOKEN, startStack, type Stack, WRITE_TOKEN } from '../helpers/stack';

let stack: Stack;
/** Ran to completion and closed on a stack that is gone: no worker polls its task queue any more. */
let closed: { botId: string; result: MeetingView };
/** Completed, but lingering open for late deliveries: its recording URL can be refreshed. */
let open: { botId: string; view: MeetingView };
/** In the call, nothing recorded yet. */
const joiningId = `client-joining-${Date.now()}`;

async function completedView(s: Stack, botId: string): Promise<MeetingView> {
  return eventually(
    async () => (await (await s.api(`/meetings/meetingbaas/${botId}`)).json()) as MeetingView,
    (v) => v?.status === 'completed',
  );
}

beforeAll(async () => {
  const closing = await startStack({ lingerSeconds: 0 });
  try {
    const meeting = closing.sim.meetingBaas.create({ words: 30 });
    await closing.sim.meetingBaas.play(meeting.botId, { webhookUrl: closing.webhookUrl });
    const handle = closing.client.workflow.getHandle(`meetingbaas:${meeting.botId}`);
    closed = { botId: meeting.botId, result: (await handle.result()) as MeetingView };
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  } finally {
    await closing.stop();
  }

  stack = await startStack({ lingerSeconds: 120 });
  const meeting = stack.sim.meetingBaas.create({ words: 30 });
  await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  open = { botId: meeting.botId, view: await completedView(stack, meeting.botId) };
  const joining = await postJson(stack.webhookUrl, {
    event: 'bot.status_change',
    data: { bot_id: joiningId, status: { code: 'joining_call', created_at: '2024-01-01T12:00:00.000Z' } },
  });
  expect(joining.status).toBe(200);
}, 90_000);
afterAll(async () => {
  await stack?.stop();
});

test('GET /meetings/... of a closed meeting after its worker stopped: its final view, from the result', async () => {
  const res = await stack.api(`/meetings/meetingbaas/${closed.botId}`);
  expect(res.status).toBe(200);
  const body = meetingViewSchema.parse(await res.json());
  expect(body).toEqual(closed.result);
  expect(body).toMatchObject({ status: 'completed', recording: { status: 'archived' } });
  expect(body.history.map((h) => h.code)).toContain('complete');

  // A closed meeting has no workflow left to refresh its recording URL.
  const refresh = await stack.api(`/meetings/meetingbaas/${closed.botId}/recording-url`, {
    method: 'POST',
  });
  expect(refresh.status).toBe(404);
});

test('GET /meetings/... of a meeting that never was: 404', async () => {
  const res = await stack.api(`/meetings/meetingbaas/never-${Date.now()}`);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: 'not_found' });
});

describe.each([
  ['HTTP', (): MeetingsClient => new HttpMeetingsClient({ baseUrl: stack.apiUrl, token: WRITE_TOKEN })],
  ['Temporal', (): MeetingsClient => new TemporalMeetingsClient(stack.client)],
])('the typed client over %s', (_name, make) => {
  let client: MeetingsClient;
  beforeAll(() => {
    client = make();
  });

  test('gets an open meeting and a closed one (whose worker is gone)', async () => {
    expect(await client.getMeeting('meetingbaas', open.botId)).toEqual(
      await completedView(stack, open.botId),
    );
    expect(await client.getMeeting('meetingbaas', closed.botId)).toEqual(closed.result);
  });

  test('lists meetings by status, the closed one with its close and end times', async () => {
    const summary = await eventually(
      async () => {
        for await (const m of allMeetings(client, {
          provider: 'meetingbaas',
          status: 'completed',
          limit: 50,
        }))
          if (m.externalId === closed.botId) return m;
        return undefined;
      },
      (m) => m !== undefined,
    );
    expect(summary).toEqual({
      workflowId: `meetingbaas:${closed.botId}`,
      provider: 'meetingbaas',
      externalId: closed.botId,
      status: 'completed',
      startedAt: expect.any(String),
      closedAt: expect.any(String),
      endedAt: new Date(closed.result.endedAt!).toISOString(),
    });
    expect(Date.parse(summary!.closedAt!)).toBeGreaterThanOrEqual(Date.parse(summary!.startedAt));
  });

  test('a fresh recording URL of an open meeting: valid at least 10 more minutes, and it downloads', async () => {
    const url = await client.refreshRecordingUrl('meetingbaas', open.botId);
    expect(Date.parse(url.expiresAt) - Date.now()).toBeGreaterThanOrEqual(10 * 60_000);
    const download = await fetch(url.url);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(open.view.recording!.archive!.bytes);
  });

  test('not found: a meeting that never was, and a recording URL of a closed meeting', async () => {
    await expect(client.getMeeting('meetingbaas', `never-${Date.now()}`)).rejects.toBeInstanceOf(
      MeetingNotFoundError,
    );
    await expect(client.refreshRecordingUrl('meetingbaas', closed.botId)).rejects.toBeInstanceOf(
      MeetingNotFoundError,
    );
  });

  test('refused: no recording yet, bad filters, a bad meeting id', async () => {
    await eventually(
      () => client.getMeeting('meetingbaas', joiningId),
      (v) => v.status === 'joining',
    );
    const noRecording = await client.refreshRecordingUrl('meetingbaas', joiningId).catch((e: unknown) => e);
    expect(noRecording).toBeInstanceOf(MeetingRequestRefusedError);
    expect(noRecording).toMatchObject({
      code: 'recording_unavailable',
      message: expect.stringMatching(/no recording URL/),
    });

    const badLimit = await client.listMeetings({ limit: 0 }).catch((e: unknown) => e);
    expect(badLimit).toBeInstanceOf(MeetingRequestRefusedError);
    expect(badLimit).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'limit' }] });
    const badCursor = await client.listMeetings({ cursor: 'bm90LWEtY3Vyc29y' }).catch((e: unknown) => e);
    expect(badCursor).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'cursor' }] });

    const badId = await client.getMeeting('meetingbaas', '../etc').catch((e: unknown) => e);
    expect(badId).toBeInstanceOf(MeetingRequestRefusedError);
    expect(badId).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'externalId' }] });
  });
});

test('over HTTP the client sends its token: none or a wrong one is refused, a read token reads but cannot refresh', async () => {
  const anonymous = new HttpMeetingsClient({ baseUrl: stack.apiUrl });
  await expect(anonymous.getMeeting('meetingbaas', closed.botId)).rejects.toMatchObject({
    constructor: MeetingRequestRefusedError,
    code: 'unauthorized',
  });
  const forged = new HttpMeetingsClient({ baseUrl: stack.apiUrl, token: `${READ_TOKEN}x` });
  await expect(forged.listMeetings()).rejects.toMatchObject({ code: 'unauthorized' });

  const reader = new HttpMeetingsClient({ baseUrl: stack.apiUrl, token: READ_TOKEN });
  expect((await reader.getMeeting('meetingbaas', closed.botId)).status).toBe('completed');
  await expect(reader.refreshRecordingUrl('meetingbaas', closed.botId)).rejects.toMatchObject({
    constructor: MeetingRequestRefusedError,
    code: 'forbidden',
  });
});

test('unavailable: the service or Temporal cannot be reached', async () => {
  const http = new HttpMeetingsClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
  await expect(http.getMeeting('meetingbaas', 'any')).rejects.toBeInstanceOf(MeetingsUnavailableError);

  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  try {
    const temporal = new TemporalMeetingsClient(new Client({ connection }), { callTimeoutMs: 1000 });
    await expect(temporal.getMeeting('meetingbaas', 'any')).rejects.toBeInstanceOf(MeetingsUnavailableError);
    await expect(temporal.listMeetings()).rejects.toBeInstanceOf(MeetingsUnavailableError);
  } finally {
    await connection.close();
  }
});
