// Observability on real parts: the API's /metrics moves with the requests and webhooks it answers (by
// route pattern, provider and reason), /readyz tells when Temporal is gone, and worker/main.ts serves the
// SDK's metrics for Prometheus and writes JSON log lines that carry the workflowId of workflow and activity work.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { sparkSignature } from '../../api/webex/spark-signature';
import { directoryArchive } from '../../dev/test-archive';
import { freePort } from '../helpers/dev-server';
import {
  API_KEY,
  eventually,
  postJson,
  startStack,
  temporalAddress,
  viewWhenOn,
  WEBEX_WEBHOOK_SECRET,
  type Stack,
  bearer,
  READ_TOKEN,
} from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
      );
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(url, { headers: bearer(READ_TOKEN) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  return { text, samples: parseMetrics(text) };
}

const statusChange = (botId: string, code = 'joining_call') => ({
  event: 'bot.status_change',
  data: { bot_id: botId, status: { code, created_at: '2024-01-01T12:00:00.000Z' } },
});

function signedWebex(body: object): { body: string; headers: Record<string, string> } {
  const raw = JSON.stringify(body);
  return {
    body: raw,
    headers: { 'x-spark-signature': sparkSignature(Buffer.from(raw), WEBEX_WEBHOOK_SECRET) },
  };
}

const webexNotification = (resource: string, event: string, id: string) => ({
  id: 'webhook-1',
  resource,
  event,
  data: { id, start: '2024-01-01T12:00:00Z' },
});

let stack: Stack;
beforeAll(async () => {
  // Directory-only: the worker process gets ARCHIVE_DIR (the API's claim checks must be where it reads).
  stack = await startStack({ worker: false, archive: directoryArchive });
});
afterAll(async () => {
  await stack?.stop();
});

test('API /metrics: requests by route pattern and status, webhooks by provider, outcome and reason', async () => {
  const before = (await scrape(`${stack.apiUrl}/metrics`)).samples;
  const botId = `metrics-${randomUUID()}`;

  // Meeting BaaS: accepted, then (its workflow closed) ignored as closed, and the refusals.
  expect((await postJson(stack.webhookUrl, statusChange(botId))).status).toBe(200);
  await stack.client.workflow.getHandle(`meetingbaas:${botId}`).terminate('closed for the test');
  expect((await postJson(stack.webhookUrl, statusChange(botId, 'in_waiting_room'))).status).toBe(202);
  expect((await postJson(stack.webhookUrl, { event: 'bot.chat_message', data: {} })).status).toBe(202);
  expect(
    (await postJson(stack.webhookUrl, statusChange(botId), { 'x-meeting-baas-api-key': 'wrong' })).status,
  ).toBe(401);
  expect((await postJson(stack.webhookUrl, '{"event": ')).status).toBe(400);
  expect((await postJson(stack.webhookUrl, { event: 'bot.status_change', data: {} })).status).toBe(400);

  // Webex: accepted, ignored, unsigned.
  const instanceId = `${randomBytes(16).toString('hex')}_I_${Date.now()}`;
  const started = signedWebex(webexNotification('meetings', 'started', instanceId));
  expect((await postJson(stack.webexWebhookUrl, started.body, started.headers)).status).toBe(200);
  const other = signedWebex(webexNotification('messages', 'created', 'message-1'));
  expect((await postJson(stack.webexWebhookUrl, other.body, other.headers)).status).toBe(202);
  expect((await postJson(stack.webexWebhookUrl, started.body, {})).status).toBe(401);

  // Reads: a path with a meeting id is counted under its pattern; a path no route takes, as unmatched.
  expect((await stack.api(`/meetings/nosuchprovider/${botId}`)).status).toBe(404);
  expect((await stack.api(`/no/such/route/${botId}`)).status).toBe(404);

  const { text, samples: after } = await scrape(`${stack.apiUrl}/metrics`);
  const moved = (name: string, labels: Record<string, string>) =>
    total(after, name, labels) - total(before, name, labels);

  const webhooks = 'webhook_deliveries_total';
  const mb = { provider: 'meetingbaas' };
  expect(moved(webhooks, { ...mb, outcome: 'accepted', reason: 'accepted' })).toBe(1);
  expect(moved(webhooks, { ...mb, outcome: 'ignored', reason: 'closed' })).toBe(1);
  expect(moved(webhooks, { ...mb, outcome: 'ignored', reason: 'ignored' })).toBe(1);
  expect(moved(webhooks, { ...mb, outcome: 'rejected', reason: 'unauthorized' })).toBe(1);
  expect(moved(webhooks, { ...mb, outcome: 'rejected', reason: 'invalid_json' })).toBe(1);
  expect(moved(webhooks, { ...mb, outcome: 'rejected', reason: 'invalid_payload' })).toBe(1);
  const webex = { provider: 'webex' };
  expect(moved(webhooks, { ...webex, outcome: 'accepted', reason: 'accepted' })).toBe(1);
  expect(moved(webhooks, { ...webex, outcome: 'ignored', reason: 'ignored' })).toBe(1);
  expect(moved(webhooks, { ...webex, outcome: 'rejected', reason: 'unauthorized' })).toBe(1);

  const requests = 'http_requests_total';
  const mbRoute = { method: 'POST', route: '/webhooks/meetingbaas' };
  expect(moved(requests, { ...mbRoute, status: '200' })).toBe(1);
  expect(moved(requests, { ...mbRoute, status: '202' })).toBe(2);
  expect(moved(requests, { ...mbRoute, status: '400' })).toBe(2);
  expect(moved(requests, { ...mbRoute, status: '401' })).toBe(1);
  expect(moved(requests, { method: 'GET', route: '/meetings/:provider/:externalId', status: '404' })).toBe(1);
  expect(moved(requests, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  // The scrape before this one was answered, and counted under its route.
  expect(moved(requests, { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
  // Latency: one observation per request, in the histogram's count and +Inf bucket.
  expect(moved('http_request_duration_seconds_count', { ...mbRoute, status: '400' })).toBe(2);
  expect(moved('http_request_duration_seconds_bucket', { ...mbRoute, status: '400', le: '+Inf' })).toBe(2);

  // Raw URLs never become label values (one series per meeting would grow without bound).
  expect(text).not.toContain(botId);
  // The process's own metrics.
  expect(total(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(total(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
});

test('Temporal unreachable: /readyz 503 while /healthz is 200; webhooks 503, counted as temporal_unavailable', async () => {
  const down = await startStack({
    worker: false,
    address: `127.0.0.1:${await freePort()}`,
    callTimeoutMs: 1000,
  });
  try {
    expect((await down.api(`/healthz`)).status).toBe(200);
    const ready = await down.api(`/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ error: 'temporal_unavailable', message: expect.any(String) });

    expect((await postJson(down.webhookUrl, statusChange(`down-${randomUUID()}`))).status).toBe(503);
    const { samples } = await scrape(`${down.apiUrl}/metrics`);
    expect(
      total(samples, 'webhook_deliveries_total', {
        provider: 'meetingbaas',
        outcome: 'failed',
        reason: 'temporal_unavailable',
      }),
    ).toBe(1);
    expect(total(samples, 'http_requests_total', { route: '/readyz', status: '503' })).toBe(1);
  } finally {
    await down.stop();
  }
});

const definedOnly = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

/** worker/main.ts as an operator runs it, against the tests' dev server, on this stack's task queue. */
function startWorkerProcess(metricsAddress: string): { proc: ChildProcess; lines: () => string[] } {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: definedOnly({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      MEETINGBAAS_API_URL: stack.sim.url,
      MEETINGBAAS_API_KEY: API_KEY,
      ARCHIVE_DIR: stack.archiveDir,
      DOWNLOAD_ALLOWED_HOSTS: stack.allowedHosts.join(','),
      WORKER_METRICS_ADDRESS: metricsAddress,
      // The SDK's own workflow and activity lines are at debug level.
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      // The bundle jest's global setup built (when the worker supports loading one; else it bundles).
      WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  proc.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  return { proc, lines: () => out.split('\n').filter((l) => l.trim() !== '') };
}

test('worker/main.ts: SDK metrics on its Prometheus endpoint, JSON log lines with the workflowId', async () => {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const worker = startWorkerProcess(metricsAddress);
  const exited = new Promise<number | null>((resolve) => worker.proc.once('exit', resolve));
  try {
    await eventually(
      () => Promise.resolve(worker.lines()),
      (lines) => lines.some((l) => l.includes('"worker started"')),
      60_000,
    );

    // A whole meeting, every webhook delivered twice (the workflow logs the duplicates), its recording URL
    // already expired (the archiving activity logs that it refreshes it).
    const meeting = stack.sim.meetingBaas.create({ words: 40, urlExpiresSeconds: 0 });
    await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl, duplicate: true });
    const workflowId = `meetingbaas:${meeting.botId}`;
    await viewWhenOn(() => stack)(meeting.botId, (v) => v.status === 'completed');

    // Every line is one JSON object; `wf.log` and activity `log` lines carry the meeting's workflowId.
    const entries = await eventually(
      () => Promise.resolve(worker.lines().map((l) => JSON.parse(l) as Record<string, unknown>)),
      (all) =>
        ['workflow', 'activity'].every((component) =>
          all.some((e) => e.sdkComponent === component && e.workflowId === workflowId),
        ) && all.some((e) => e.msg === 'Workflow completed' && e.workflowId === workflowId),
    );
    expect(entries.find((e) => e.msg === 'duplicate delivery ignored')).toMatchObject({
      name: 'worker',
      level: 30,
      sdkComponent: 'workflow',
      workflowId,
      workflowType: 'meetingWorkflow',
      runId: expect.any(String),
      taskQueue: stack.taskQueue,
    });
    expect(entries.find((e) => e.msg === 'refreshing the recording URL')).toMatchObject({
      name: 'worker',
      sdkComponent: 'activity',
      workflowId,
      activityType: 'archiveRecording',
      activityId: expect.any(String),
      attempt: expect.any(Number),
    });
    // The SDK's own lines about the workflow and its activities too (debug level).
    expect(entries).toContainEqual(expect.objectContaining({ msg: 'Activity completed', workflowId }));

    // The SDK's metrics for this task queue, as Prometheus scrapes them.
    const ours = { task_queue: stack.taskQueue };
    const samples = await eventually(
      async () => (await scrape(`http://${metricsAddress}/metrics`)).samples,
      (all) => total(all, 'temporal_workflow_completed', { ...ours, workflow_type: 'meetingWorkflow' }) >= 1,
    );
    expect(total(samples, 'temporal_activity_execution_latency_count', ours)).toBeGreaterThanOrEqual(1);
    expect(total(samples, 'temporal_workflow_task_execution_latency_count', ours)).toBeGreaterThanOrEqual(1);
  } finally {
    worker.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}, 120_000);
