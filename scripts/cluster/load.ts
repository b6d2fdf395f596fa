// The load: meetings created in the simulator, their webhooks delivered as the provider sends them, spread
// over the APIs, a fixed number of meetings in flight; each meeting then waits for its workflow's result.
// Every tenth meeting has a larger recording served slowly, so that there is always a download to kill.
import type { Client } from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';
import type { MeetingView } from '../../domain/view';
import { deliverWebhook } from './provider';

export interface LoadOptions {
  meetings: number;
  concurrency: number;
  apiUrls: () => string[];
  simulatorUrl: string;
  apiKey: string;
  client: Client;
  /** Recording size of most meetings; every `slowEvery`-th has `slowBytes` at `slowBytesPerSecond`. */
  recordingBytes: number;
  slowEvery: number;
  slowBytes: number;
  slowBytesPerSecond: number;
  /** How long a meeting may take from its `complete` to `completed` before it counts as stuck. */
  completionTimeoutMs: number;
  /** How long the provider retries one webhook. */
  retryWindowMs: number;
}

export interface MeetingRecord {
  index: number;
  botId: string;
  workflowId: string;
  sha256: string;
  bytes: number;
  slow: boolean;
  api: number;
  startedAt: number;
  completeSentAt?: number;
  completedAt?: number;
  /** Deliveries that needed more than one attempt, and what the failed attempts got. */
  retried: Array<{ event: string; attempts: number; failures: string[]; answer: number | 'gave_up' }>;
  /** Set when a webhook was never accepted. */
  undelivered?: string;
  view?: MeetingView;
  /** Why no final view (timeout, error). */
  waitError?: string;
}

export interface LoadProgress {
  started: number;
  /** Every meeting is final or given up. */
  finished: boolean;
  records: MeetingRecord[];
  /** Slow meetings whose `complete` was accepted and that are not final yet: downloads to kill. */
  downloading: Set<string>;
}

async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** The workflow's final view, following the long poll through connection errors until the timeout. */
async function finalView(client: Client, workflowId: string, timeoutMs: number): Promise<MeetingView> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const result = client.workflow.getHandle(workflowId).result() as Promise<MeetingView>;
      const timeout = delay(deadline - Date.now(), 'timeout' as const, { ref: false });
      const outcome = await Promise.race([result, timeout]);
      if (outcome === 'timeout') break;
      return outcome;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await delay(1000);
    }
  }
  throw new Error(`not final within ${timeoutMs / 1000} s${lastError ? ` (last: ${lastError})` : ''}`);
}

export async function runLoad(o: LoadOptions, progress: LoadProgress): Promise<void> {
  const one = async (index: number) => {
    const slow = index % o.slowEvery === o.slowEvery - 1;
    const created = await json<{ botId: string; recording: { bytes: number; sha256: string } }>(
      fetch(`${o.simulatorUrl}/sim/meetingbaas/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          words: 200,
          recordingBytes: slow ? o.slowBytes : o.recordingBytes,
          ...(slow ? { bytesPerSecond: o.slowBytesPerSecond } : {}),
        }),
      }),
    );
    const api = index % o.apiUrls().length;
    const record: MeetingRecord = {
      index,
      botId: created.botId,
      workflowId: `meetingbaas:${created.botId}`,
      sha256: created.recording.sha256,
      bytes: created.recording.bytes,
      slow,
      api,
      startedAt: Date.now(),
      retried: [],
    };
    progress.records.push(record);
    const { webhooks } = await json<{ webhooks: Array<{ event: string }> }>(
      fetch(`${o.simulatorUrl}/sim/meetingbaas/meetings/${created.botId}`),
    );
    for (const [i, body] of webhooks.entries()) {
      const final = i === webhooks.length - 1;
      if (final) record.completeSentAt = Date.now();
      const url = `${o.apiUrls()[api]}/webhooks/meetingbaas`;
      const delivery = await deliverWebhook(url, body, { apiKey: o.apiKey, retryWindowMs: o.retryWindowMs });
      if (delivery.attempts > 1)
        record.retried.push({
          event: body.event,
          attempts: delivery.attempts,
          failures: delivery.failures,
          answer: delivery.status,
        });
      // Any 2xx is accepted, as a provider sees it: a redelivery of a `complete` whose earlier attempt got
      // through (its answer lost to a kill) after the meeting closed is answered 202, nothing to do.
      if (delivery.status === 'gave_up' || delivery.status < 200 || delivery.status >= 300) {
        record.undelivered = `${body.event}: ${delivery.status} after ${delivery.attempts} attempts`;
        return;
      }
    }
    if (slow) progress.downloading.add(record.workflowId);
    try {
      record.view = await finalView(o.client, record.workflowId, o.completionTimeoutMs);
      record.completedAt = Date.now();
    } catch (err) {
      record.waitError = err instanceof Error ? err.message : String(err);
    } finally {
      progress.downloading.delete(record.workflowId);
    }
  };

  await Promise.all(
    Array.from({ length: Math.min(o.concurrency, o.meetings) }, async () => {
      while (progress.started < o.meetings) {
        const index = progress.started++;
        await one(index).catch((err: unknown) => {
          const undelivered = `driver error: ${String(err)}`;
          const record = progress.records.find((r) => r.index === index);
          if (record) return void (record.undelivered = undelivered);
          progress.records.push({
            index,
            botId: `#${index}`,
            workflowId: '',
            sha256: '',
            bytes: 0,
            slow: false,
            api: -1,
            startedAt: Date.now(),
            retried: [],
            undelivered,
          });
        });
      }
    }),
  );
  progress.finished = true;
}
