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
  bytes: number;
  expectedBytes: number;
}

/** A recording download under way: its activity started, its last heartbeat between 0 and all bytes. */
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
      if (beat.bytes && beat.expectedBytes && beat.bytes < beat.expectedBytes * 0.7 && pid)
        return { workflowId, pid, bytes: beat.bytes, expectedBytes: beat.expectedBytes };
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
      const detail = `${download.workflowId} at ${(download.bytes / 2 ** 20).toFixed(1)} of ${(download.expectedBytes / 2 ** 20).toFixed(1)} MB`;
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
