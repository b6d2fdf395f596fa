// End to end: N simulated Meeting BaaS meetings (the seed's statuses, then `complete` with a recording and a
// transcript) sent through the API at a fixed concurrency; every one must end `completed` with the right
// sha256. Measures throughput, `complete` -> `completed` latency, history size and peak memory.
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { MeetingView } from '../domain/view';
import { cpuByProcess, peakRss, rss, servicesDataConverter, type CpuUser, type Services } from './processes';
import { quantile } from './stats';

export interface EndToEndOptions {
  meetings: number;
  concurrency: number;
  recordingBytes: number;
  words: number;
  /** How long to wait for the last meeting after the last `complete`. */
  timeoutMs: number;
}

export interface EndToEndResult {
  meetings: number;
  recordingBytes: number;
  seconds: number;
  meetingsPerMinute: number;
  msPerMeeting: number;
  completeToCompletedP50Ms: number;
  completeToCompletedP99Ms: number;
  lost: number;
  stuck: number;
  wrongArchive: number;
  historyEventsMax: number;
  historyBytesMax: number;
  workerPeakRss?: number;
  apiPeakRss?: number;
  /**
   * Median resident memory over the second half of the run, sampled every second: V8 collects lazily, so a
   * peak alone cannot tell a leak from garbage not yet collected; a leak makes this grow with N.
   */
  workerSteadyRss: number;
  apiSteadyRss: number;
  /** Resident memory of worker and API, sampled every second (JSON results only). */
  memorySamples: Array<{ worker: number; api: number }>;
  /** The uncounted warm-up round, reported only when it went wrong. */
  warmUp?: boolean;
  /** CPU milliseconds each process spent per meeting: where the machine's time goes. */
  cpuMsPerMeeting: Record<CpuUser, number>;
  problems: string[];
}

async function json<T>(res: Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export async function runEndToEnd(services: Services, o: EndToEndOptions): Promise<EndToEndResult> {
  const connection = await Connection.connect({ address: services.temporalAddress });
  const client = new Client({ connection, dataConverter: servicesDataConverter(services.env) });
  const problems: string[] = [];
  const webhookUrl = `${services.apiUrl}/webhooks/meetingbaas`;
  let lost = 0;
  let stuck = 0;
  let wrongArchive = 0;
  const latencies: number[] = [];
  const cpuBefore = cpuByProcess(services);
  const memory: Array<{ worker: number; api: number }> = [];
  const sampler = setInterval(
    () => memory.push({ worker: rss(services.worker.pid) ?? NaN, api: rss(services.api.pid) ?? NaN }),
    1000,
  );
  const started = Date.now();
  let lastDone = started;

  const one = async () => {
    const m = await json<{ botId: string; recording: { sha256: string } }>(
      post(`${services.simUrl}/sim/meetingbaas/meetings`, {
        recordingBytes: o.recordingBytes,
        words: o.words,
      }),
    );
    const play = (include: string) =>
      json<{ deliveries: Array<{ status: number }> }>(
        post(`${services.simUrl}/sim/meetingbaas/meetings/${m.botId}/play`, { webhookUrl, include }),
      );
    const statuses = await play('statuses');
    const sentAt = Date.now();
    const final = await play('final');
    const refused = [...statuses.deliveries, ...final.deliveries].filter((d) => d.status !== 200);
    if (refused.length) {
      lost++;
      problems.push(`${m.botId}: webhooks answered ${refused.map((d) => d.status).join(',')}`);
      return;
    }
    const handle = client.workflow.getHandle(`meetingbaas:${m.botId}`);
    const view = (await Promise.race([
      handle.result(),
      new Promise((resolve) => setTimeout(resolve, o.timeoutMs).unref()),
    ])) as MeetingView | undefined;
    if (!view || view.status !== 'completed') {
      stuck++;
      problems.push(`${m.botId}: ${view ? view.status : 'not final in time'}`);
      return;
    }
    lastDone = Math.max(lastDone, Date.now());
    latencies.push(Date.now() - sentAt);
    if (view.recording?.archive?.sha256 !== m.recording.sha256 || view.transcript?.status !== 'archived') {
      wrongArchive++;
      problems.push(
        `${m.botId}: archive ${view.recording?.archive?.sha256} transcript ${view.transcript?.status}`,
      );
    }
  };

  // A fixed number of meetings in flight at any time.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency, o.meetings) }, async () => {
      while (next < o.meetings) {
        next++;
        await one().catch((err: unknown) => {
          lost++;
          problems.push(String(err));
        });
      }
    }),
  );
  const seconds = (lastDone - started) / 1000;
  const cpuAfter = cpuByProcess(services);
  clearInterval(sampler);
  const secondHalf = memory.slice(Math.floor(memory.length / 2));
  const steady = (k: 'worker' | 'api') =>
    quantile(
      secondHalf.map((m) => m[k]),
      0.5,
    );
  const perMeeting = (k: CpuUser) => ((cpuAfter[k] - cpuBefore[k]) * 1000) / o.meetings;

  // History size of a sample of meetings (all of them would be slow at N = 1000).
  const ids: string[] = [];
  for await (const w of client.workflow.list({
    query: `WorkflowType = 'meetingWorkflow' AND MeetingStatus = 'completed'`,
  })) {
    ids.push(w.workflowId);
    if (ids.length >= 20) break;
  }
  let historyEventsMax = 0;
  let historyBytesMax = 0;
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    historyEventsMax = Math.max(historyEventsMax, history.events?.length ?? 0);
    historyBytesMax = Math.max(
      historyBytesMax,
      temporal.api.history.v1.History.encode(history).finish().length,
    );
  }
  await connection.close();

  const done = latencies.length;
  return {
    meetings: o.meetings,
    recordingBytes: o.recordingBytes,
    seconds,
    meetingsPerMinute: (done / seconds) * 60,
    msPerMeeting: (seconds * 1000) / Math.max(1, done),
    completeToCompletedP50Ms: quantile(latencies, 0.5),
    completeToCompletedP99Ms: quantile(latencies, 0.99),
    lost,
    stuck,
    wrongArchive,
    historyEventsMax,
    historyBytesMax,
    workerPeakRss: peakRss(services.worker.pid),
    apiPeakRss: peakRss(services.api.pid),
    workerSteadyRss: steady('worker'),
    apiSteadyRss: steady('api'),
    memorySamples: memory,
    cpuMsPerMeeting: {
      temporal: perMeeting('temporal'),
      worker: perMeeting('worker'),
      api: perMeeting('api'),
      simulator: perMeeting('simulator'),
      driver: perMeeting('driver'),
    },
    problems: problems.slice(0, 20),
  };
}
