// Temporal goes away (stopped, then crashed): webhooks are answered 503 (so the provider retries), never 200 for an event that was
// not stored; the same delivery succeeds once Temporal is back, and nothing stored before is lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MeetingView } from '../../domain/view';
import { freePortForRestarts } from '../../dev/free-port';
import { OwnDevServer } from '../helpers/dev-server';
import { eventually, postJson, startStack, startWorker, type Stack } from '../helpers/stack';

let server: OwnDevServer;
let stack: Stack;
let dataDir: string;
let dbFile: string;
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-db-'));
  dbFile = path.join(dataDir, 'temporal.db');
  // Stopped and started again on its port: one no outgoing connection can be given meanwhile.
  server = new OwnDevServer({ port: await freePortForRestarts(), dbFile });
  stack = await startStack({ worker: false, address: server.address, callTimeoutMs: 2000 });
});
afterAll(async () => {
  await worker?.stop();
  await stack?.stop();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// The readiness status, or why the dev server is gone (a start that failed says so instead of timing out).
const ready = async () => server.exitedEarly ?? (await stack.api(`/readyz`)).status;

test('503 while Temporal is down, the same delivery accepted once it is back, earlier events kept', async () => {
  const botId = `outage-${Date.now()}`;
  const event = (code: string, minute: number) => ({
    event: 'bot.status_change',
    data: { bot_id: botId, status: { code, created_at: `2024-01-01T12:0${minute}:00.000Z` } },
  });

  // Down from the start: the API is up and says so.
  expect(await ready()).toBe(503);
  const early = await postJson(stack.webhookUrl, event('joining_call', 0));
  expect(early).toEqual({
    status: 503,
    body: { error: 'temporal_unavailable', message: expect.any(String) },
  });

  server.start();
  await eventually(ready, (s) => s === 200, 60_000);
  expect(await postJson(stack.webhookUrl, event('joining_call', 0))).toEqual({
    status: 200,
    body: { workflowId: `meetingbaas:${botId}` },
  });
  // The store runs with a write-ahead log (platform/dev-server.ts).
  expect(fs.existsSync(`${dbFile}-wal`)).toBe(true);

  // Down again in the middle of the meeting, by a crash: what was acknowledged is in the log.
  await server.stop('SIGKILL');
  const during = await postJson(stack.webhookUrl, event('in_waiting_room', 1));
  expect(during.status).toBe(503);
  expect(during.body).toMatchObject({ error: 'temporal_unavailable' });

  // Back, on the same SQLite file: the provider's retry of the refused delivery goes through.
  server.start();
  await eventually(
    () => postJson(stack.webhookUrl, event('in_waiting_room', 1)),
    (r) => r.status === 200,
    60_000,
  );

  worker = await startWorker({
    taskQueue: stack.taskQueue,
    archive: stack.archive,
    allowedHosts: stack.allowedHosts,
    meetingBaas: stack.meetingBaas,
    address: server.address,
  });
  const view = await eventually(
    async () => (await (await stack.api(`/meetings/meetingbaas/${botId}`)).json()) as MeetingView,
    (v) => v.history?.length === 2,
  );
  expect(view.status).toBe('waiting_room');
  expect(view.history.map((h) => [h.code, h.applied])).toEqual([
    ['joining_call', true],
    ['in_waiting_room', true],
  ]);
}, 120_000);
