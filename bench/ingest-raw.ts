// The baseline, run in its own process: the same events as raw signalWithStart calls from a Temporal client,
// at the same concurrency for the same time, no HTTP. Prints one JSON LoadResult.
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { ProviderEvent } from '../domain/events';
import {
  MEETING_WORKFLOW_TYPE,
  MeetingProviderKey,
  MeetingStatusKey,
  providerEventSignal,
  type MeetingWorkflowInput,
} from '../workflows/definitions';
import { loadResult } from './stats';

const [address, concurrency, seconds] = process.argv.slice(2);

async function main() {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + Number(seconds) * 1000;
  const loop = async () => {
    while (Date.now() < until) {
      const botId = `bench-raw-${randomUUID()}`;
      const at = new Date().toISOString();
      const event: ProviderEvent = {
        provider: 'meetingbaas',
        externalId: botId,
        kind: 'joining',
        code: 'joining_call',
        occurredAt: at,
        receivedAt: at,
        source: 'webhook',
        dedupeKey: `status:joining_call:${at}`,
      };
      const input: MeetingWorkflowInput = { provider: 'meetingbaas', externalId: botId, lingerSeconds: 0 };
      const started = performance.now();
      try {
        await client.workflow.signalWithStart(MEETING_WORKFLOW_TYPE, {
          workflowId: `meetingbaas:${botId}`,
          taskQueue: 'meetings',
          args: [input],
          signal: providerEventSignal,
          signalArgs: [event],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: MeetingProviderKey, value: 'meetingbaas' },
            { key: MeetingStatusKey, value: 'scheduled' },
          ],
        });
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, loop));
  console.log(JSON.stringify(loadResult(latencies, errors, Number(seconds))));
  await connection.close();
}

void main();
