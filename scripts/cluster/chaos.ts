// The failures injected while the load runs, one after the other, each once the load has reached a point:
// a Temporal node SIGKILLed (its shards move to the other node) and started again, a worker SIGKILLed while
// its heartbeats show a recording download under way (the activity is retried on another worker), an API
// SIGKILLed (the provider's deliveries to it fail and are retried) and started again.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadProgress } from './load';
import type { ServiceProcess } from './services';
import type { TemporalNode } from './temporal-cluster';

export interface Kill {
  what: string;
  at: number;
  detail: string;
  /** How long until the killed process was back and ready. */
  downMs: number;
}

export interface ChaosOptions {
  client: Client;
  progress: LoadProgress;
  meetings: number;
  temporalNode: TemporalNode;
  workers: ServiceProcess[];
  api: ServiceProcess;
  log: (line: string) => void;
}

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

function checkRunning(progress: LoadProgress, step: string): void {
  if (progress.finished) throw new Error(`the load ended before ${step}`);
}

async function reached(progress: LoadProgress, started: number, step: string): Promise<void> {
  while (progress.started < started) {
    checkRunning(progress, step);
    await delay(200);
  }
}

interface Download {
  workflowId: string;
  pid: number;
  /** How long its activity had been running. */
  runningMs: number;
  expectedBytes: number;
}

/**
 * A recording download under way for a few seconds: its activity started 2 to 5 s ago (recordings are served
 * at 1 MB/s, so some MB are stored and more are to come) on a worker its heartbeat names. Not by the
 * heartbeat's byte count: Temporal records heartbeats at most every 8 s (0.8 × the heartbeat timeout), and the
 * first one comes with the first response, at 0 bytes.
 */
async function downloadInProgress(client: Client, progress: LoadProgress): Promise<Download | undefined> {
  for (const workflowId of progress.downloading) {
    const description = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    for (const activity of description?.raw.pendingActivities ?? []) {
      if (activity.activityType?.name !== 'archiveRecording' || activity.state !== STARTED) continue;
      const payload = activity.heartbeatDetails?.payloads?.[0];
      if (!payload) continue;
      const beat = defaultPayloadConverter.fromPayload<{ bytes?: number; expectedBytes?: number }>(payload);
      const pid = Number.parseInt(activity.lastWorkerIdentity?.split('@')[0] ?? '', 10);
      const startedMs = Number(activity.lastStartedTime?.seconds ?? 0) * 1000;
      const runningMs = Date.now() - startedMs;
      if (beat.expectedBytes && (beat.bytes ?? 0) < beat.expectedBytes * 0.7 && pid && startedMs)
        if (runningMs >= 2_000 && runningMs <= 5_000)
          return { workflowId, pid, runningMs, expectedBytes: beat.expectedBytes };
    }
  }
  return undefined;
}

async function killWorkerMidDownload(o: ChaosOptions): Promise<Kill> {
  for (;;) {
    const download = await downloadInProgress(o.client, o.progress);
    const worker = download && o.workers.find((w) => w.process.pid === download.pid);
    if (download && worker) {
      const at = Date.now();
      await worker.kill();
      const detail = `${download.workflowId}, ${(download.runningMs / 1000).toFixed(1)} s into a ${(download.expectedBytes / 2 ** 20).toFixed(1)} MB download at 1 MB/s`;
      o.log(`killed ${worker.name} (SIGKILL) during the download of ${detail}`);
      await delay(5_000);
      await worker.start();
      return { what: `${worker.name} mid-download`, at, detail, downMs: Date.now() - at };
    }
    checkRunning(o.progress, 'a worker could be killed mid-download');
    await delay(250);
  }
}

async function killAndRestart(
  target: { name: string; kill(): Promise<void>; start(): Promise<void> },
  downForMs: number,
  o: ChaosOptions,
): Promise<Kill> {
  const at = Date.now();
  await target.kill();
  o.log(`killed ${target.name} (SIGKILL); starting it again in ${downForMs / 1000} s`);
  await delay(downForMs);
  await target.start();
  const downMs = Date.now() - at;
  o.log(`${target.name} is back after ${(downMs / 1000).toFixed(1)} s`);
  return { what: target.name, at, detail: 'SIGKILL, then started again', downMs };
}

export async function runChaos(o: ChaosOptions): Promise<Kill[]> {
  const kills: Kill[] = [];
  await reached(o.progress, Math.floor(o.meetings * 0.15), 'the worker kill');
  kills.push(await killWorkerMidDownload(o));
  await reached(o.progress, Math.floor(o.meetings * 0.35), 'the Temporal node kill');
  kills.push(await killAndRestart(o.temporalNode, 10_000, o));
  await reached(o.progress, Math.floor(o.meetings * 0.6), 'the API kill');
  kills.push(await killAndRestart(o.api, 5_000, o));
  return kills;
}
