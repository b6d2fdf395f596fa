// A retry storm on one meeting: webhooks to one meeting against webhooks to distinct meetings, in turn, through
// the API. Then the storm's meeting gets its final data and must still complete, each of its runs (it
// continues as new before Temporal's per-execution limits) within the history budget.
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { MeetingView } from '../domain/view';
import { load } from './load';
import { BENCH_API_KEY, cpuSeconds, servicesDataConverter, type Services } from './processes';
import type { LoadResult } from './stats';

export interface StormOptions {
  /** Webhooks sent to the one meeting (and as many to distinct meetings), in two rounds each. */
  deliveries: number;
  connections: number;
  timeoutMs: number;
}

export interface StormResult {
  deliveries: number;
  connections: number;
  distinct: LoadResult[];
  oneMeeting: LoadResult[];
  /** Mean rate to one meeting over mean rate to distinct meetings (target ≥ 0.8). */
  ratio: number;
  errors: number;
  /** The storm's meeting after its final data: `completed` with the right recording, or what went wrong. */
  outcome: string;
  runs: number;
  historyEventsMax: number;
  historyBytesMax: number;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export async function runStorm(services: Services, o: StormOptions): Promise<StormResult> {
  const created = await post(`${services.simUrl}/sim/meetingbaas/meetings`, {
    recordingBytes: 2 ** 20,
    words: 50,
  });
  const meeting = (await created.json()) as { botId: string; recording: { sha256: string } };
  const round = String(Math.ceil(o.deliveries / 2));
  const gen = (target: string) =>
    load('ingest-http.ts', [services.apiUrl, BENCH_API_KEY, String(o.connections), '0', target, round], {});
  // In turn (distinct, one, distinct, one), so that both see the same machine over the same minutes.
  const distinct = [await gen('distinct')];
  const oneMeeting = [await gen(`one:${meeting.botId}`)];
  distinct.push(await gen('distinct'));
  oneMeeting.push(await gen(`one:${meeting.botId}`));
  const mean = (rs: LoadResult[]) => rs.reduce((sum, r) => sum + r.perSecond, 0) / rs.length;

  // The distinct deliveries started as many meetings, whose first workflow tasks queue ahead of the storm's
  // meeting: its final data goes once the worker is idle again (under 50 ms of CPU in a second, 5 min at most).
  for (let i = 0, last = cpuSeconds(services.worker.pid) ?? 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSeconds(services.worker.pid) ?? 0;
    if (now - last < 0.05) break;
    last = now;
  }
  const played = await post(`${services.simUrl}/sim/meetingbaas/meetings/${meeting.botId}/play`, {
    webhookUrl: `${services.apiUrl}/webhooks/meetingbaas`,
    include: 'final',
  });
  const finalRefused = played.ok ? 0 : 1;
  const connection = await Connection.connect({ address: services.temporalAddress });
  try {
    const client = new Client({ connection, dataConverter: servicesDataConverter(services.env) });
    const workflowId = `meetingbaas:${meeting.botId}`;
    // Polled (not a pending result() cut off by a timeout, which would outlive the connection).
    const handle = client.workflow.getHandle(workflowId);
    const deadline = Date.now() + o.timeoutMs;
    let view: MeetingView | undefined;
    while (!view && Date.now() < deadline) {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await new Promise((r) => setTimeout(r, 1000));
      else view = (await handle.result()) as MeetingView;
    }
    const where = view ? undefined : await handle.query<MeetingView>('meeting').catch(() => undefined);
    const outcome = !view
      ? `not final in time (${where?.status ?? 'unreadable'})`
      : view.status !== 'completed'
        ? view.status
        : view.recording?.archive?.sha256 !== meeting.recording.sha256
          ? 'completed with a wrong recording'
          : 'completed';
    let runs = 0;
    let historyEventsMax = 0;
    let historyBytesMax = 0;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs++;
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      historyEventsMax = Math.max(historyEventsMax, history.events?.length ?? 0);
      historyBytesMax = Math.max(
        historyBytesMax,
        temporal.api.history.v1.History.encode(history).finish().length,
      );
    }
    return {
      deliveries: o.deliveries,
      connections: o.connections,
      distinct,
      oneMeeting,
      ratio: mean(oneMeeting) / mean(distinct),
      errors: [...distinct, ...oneMeeting].reduce((sum, r) => sum + r.errors, finalRefused),
      outcome,
      runs,
      historyEventsMax,
      historyBytesMax,
    };
  } finally {
    await connection.close();
  }
}
