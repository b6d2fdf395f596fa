// A notification outlives its worker: a worker process (worker/main.ts, configured by NOTIFY_* as in
// production) is SIGKILLed while the consumer refuses; a new worker goes on retrying the same delivery,
// with the same webhook-id and the attempts counted across both, until it is delivered.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { MeetingView } from '../../domain/view';
import { freePort } from '../../dev/free-port';
import {
  eventually,
  NOTIFY_SECRET,
  startStack,
  temporalAddress,
  viewWhenOn,
  type Stack,
} from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
const CONSUMER = 'billing-service';
let stack: Stack;
let child: ChildProcess | undefined;
let second: ChildProcess | undefined;
const viewWhen = viewWhenOn(() => stack);

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  second?.kill('SIGKILL');
  await stack?.stop();
});

const consumerUrl = () => `${stack.sim.url}/consumer/${CONSUMER}`;
const RETRY = { windowSeconds: 600, attemptTimeoutSeconds: 2 };

/** A worker process as an operator runs it, its Temporal SDK metrics (and ours) on `metricsAddress`. */
function spawnWorkerProcess(metricsAddress: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      ARCHIVE_DIR: stack.archiveDir,
      DOWNLOAD_ALLOWED_HOSTS: stack.allowedHosts.join(','),
      MEETINGBAAS_API_URL: stack.sim.url,
      MEETINGBAAS_API_KEY: stack.meetingBaas.apiKey,
      NOTIFY_WEBHOOK_URLS: consumerUrl(),
      NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET,
      NOTIFY_RETRY_HOURS: String(RETRY.windowSeconds / 3600),
      NOTIFY_TIMEOUT_SECONDS: String(RETRY.attemptTimeoutSeconds),
      WORKER_METRICS_ADDRESS: metricsAddress,
      ...(process.env.TEST_WORKFLOW_BUNDLE ? { WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE } : {}),
      // Its refused attempts are logged as warnings: expected here.
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** A counter on a worker's Prometheus endpoint, summed over its labels (0 while absent). */
async function counter(metricsAddress: string, name: string): Promise<number> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:_total)?(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

test('worker killed mid-retry: a new worker delivers it, same webhook-id, attempts counted across both', async () => {
  stack.sim.consumer.behave(CONSUMER, { status: 503 });
  const firstMetrics = `127.0.0.1:${await freePort()}`;
  child = spawnWorkerProcess(firstMetrics);
  const meeting = stack.sim.meetingBaas.create({ botId: `restart-${randomUUID()}`, words: 10 });
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);

  // A few refused attempts, then the worker process dies without any chance to clean up.
  await eventually(
    () => Promise.resolve(stack.sim.consumer.received(CONSUMER).length),
    (n) => n >= 2,
    120_000,
  );
  // Its refused attempts are counted on its metrics endpoint.
  await eventually(
    () => counter(firstMetrics, 'meeting_notification_attempts_failed').catch(() => 0),
    (n) => n >= 1,
    30_000,
  );
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  const refused = stack.sim.consumer.received(CONSUMER).length;
  const during = await viewWhen(meeting.botId, (v) => v.notifications?.[0]?.status === 'pending');
  expect(during.notifications![0]!.lastError).toContain('HTTP 503');

  stack.sim.consumer.behave(CONSUMER, {});
  const secondMetrics = `127.0.0.1:${await freePort()}`;
  second = spawnWorkerProcess(secondMetrics);
  const view: MeetingView = await viewWhen(
    meeting.botId,
    (v) => v.notifications?.[0]?.status === 'delivered',
    120_000,
  );
  const received = stack.sim.consumer.received(CONSUMER);
  expect(received.length).toBeGreaterThan(refused);
  expect(received.at(-1)!.answered).toBe(200);
  expect(view.notifications![0]!.attempts).toBe(received.length);
  expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  for (const r of received) expect(() => new Webhook(NOTIFY_SECRET).verify(r.body, r.headers)).not.toThrow();
  // The worker that delivered it counts the delivery (its Prometheus endpoint, WORKER_METRICS_ADDRESS).
  const delivered = await eventually(
    () => counter(secondMetrics, 'meeting_notifications_delivered'),
    (n) => n >= 1,
    30_000,
  );
  expect(delivered).toBe(1);
}, 240_000);
