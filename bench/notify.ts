// Notifications: N meetings end to end with NOTIFY_WEBHOOK_URLS pointing at the simulator's consumer, which
// answers 200 at once. Measures, per meeting, from `completed` (the notification body's `timestamp`, written
// by the worker's prepare activity as soon as the meeting reached it) to the consumer's receipt of the
// signed POST: the delivery workflow's start, its first workflow task and the attempt's activity.
import { Webhook } from 'standardwebhooks';
import { runEndToEnd, type EndToEndResult } from './end-to-end';
import type { Services } from './processes';
import { quantile } from './stats';

/** The benchmark's signing key (Standard Webhooks: whsec_ and base64 of at least 24 bytes). */
const BENCH_NOTIFY_SECRET = 'whsec_YmVuY2gtbm90aWZ5LXNpZ25pbmcta2V5LTAxMjM0NTY3';
const CONSUMER = 'bench';

export interface NotifyBenchOptions {
  meetings: number;
  concurrency: number;
  timeoutMs: number;
}

export interface NotifyBenchResult {
  meetings: number;
  /** Meetings whose notification reached the consumer (first receipt of each webhook-id). */
  delivered: number;
  /** Receipts that did not verify with the library's verifier (must be 0). */
  badSignatures: number;
  completedToDeliveredP50Ms: number;
  completedToDeliveredP99Ms: number;
  completedToDeliveredMaxMs: number;
  endToEnd: EndToEndResult;
}

interface Received {
  at: string;
  headers: Record<string, string>;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function received(services: Services): Promise<Received[]> {
  const res = await fetch(`${services.simUrl}/consumer/${CONSUMER}/received`);
  if (!res.ok) throw new Error(`the simulator's consumer: HTTP ${res.status}`);
  return (await res.json()) as Received[];
}

/** Restarts worker and API with notifications on, runs the meetings, restores the settings it found. */
export async function runNotify(services: Services, o: NotifyBenchOptions): Promise<NotifyBenchResult> {
  const env = services.env;
  Object.assign(env, {
    NOTIFY_WEBHOOK_URLS: `${services.simUrl}/consumer/${CONSUMER}`,
    NOTIFY_WEBHOOK_SECRET: BENCH_NOTIFY_SECRET,
  });
  await services.restartServices();
  try {
    const already = (await received(services)).length;
    const endToEnd = await runEndToEnd(services, {
      meetings: o.meetings,
      concurrency: o.concurrency,
      recordingBytes: 64 * 1024,
      words: 100,
      timeoutMs: o.timeoutMs,
    });
    const expected = o.meetings - endToEnd.lost - endToEnd.stuck;
    const deadline = Date.now() + o.timeoutMs;
    let all = (await received(services)).slice(already);
    while (new Set(all.map((r) => r.headers['webhook-id'])).size < expected && Date.now() < deadline) {
      await sleep(500);
      all = (await received(services)).slice(already);
    }
    // Checked after the run: the verifier's 5-minute tolerance would refuse early receipts by now, so each
    // signature is compared with the library's own signature of the same id, timestamp and body.
    const signer = new Webhook(BENCH_NOTIFY_SECRET);
    const first = new Map<string, Received>();
    let badSignatures = 0;
    for (const r of all) {
      const id = r.headers['webhook-id']!;
      const at = new Date(Number(r.headers['webhook-timestamp']) * 1000);
      if (signer.sign(id, at, r.body) !== r.headers['webhook-signature']) badSignatures++;
      if (!first.has(id)) first.set(id, r);
    }
    const latencies = [...first.values()].map((r) => {
      const body = JSON.parse(r.body) as { timestamp: string };
      return Date.parse(r.at) - Date.parse(body.timestamp);
    });
    return {
      meetings: o.meetings,
      delivered: first.size,
      badSignatures,
      completedToDeliveredP50Ms: quantile(latencies, 0.5),
      completedToDeliveredP99Ms: quantile(latencies, 0.99),
      completedToDeliveredMaxMs: Math.max(...latencies),
      endToEnd,
    };
  } finally {
    delete env.NOTIFY_WEBHOOK_URLS;
    delete env.NOTIFY_WEBHOOK_SECRET;
    await services.restartServices();
  }
}
