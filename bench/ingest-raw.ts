// The baseline, run in its own process: for each webhook the API would take, the very signalWithStart it
// makes (the same event from the same mapping, the same gateway call), at the same concurrency for the same
// time, with no HTTP, no validation, no logging. Prints one JSON LoadResult. With a third argument, stops
// after that many meetings (the open-meetings measure starts a known number).
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { gatewayOptions, MeetingsGateway } from '../api/temporal-gateway';
import { dataConverterFor } from '../contract/data-converter';
import { v1ToProviderEvent, type V1Webhook } from '../domain/meetingbaas/v1';
import { parseConfig } from '../platform/config';
import { loadResult } from './stats';

const [concurrency, seconds, limit] = process.argv.slice(2);
const maxRequests = limit ? Number(limit) : Infinity;

async function main() {
  // The services' environment (bench/processes.ts), so the gateway is set up as the API's is.
  const config = parseConfig(process.env);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const gateway = new MeetingsGateway(
    new Client({ connection, dataConverter: dataConverterFor(config.PAYLOAD_ENCRYPTION_KEYS) }),
    gatewayOptions(config),
  );
  const latencies: number[] = [];
  let errors = 0;
  const began = Date.now();
  const until = began + Number(seconds) * 1000;
  let sent = 0;
  const loop = async () => {
    while (Date.now() < until && sent < maxRequests) {
      sent++;
      const webhook: V1Webhook = {
        event: 'bot.status_change',
        data: {
          bot_id: `bench-raw-${randomUUID()}`,
          status: { code: 'joining_call', created_at: new Date().toISOString() },
        },
      };
      const started = performance.now();
      try {
        await gateway.deliver(v1ToProviderEvent(webhook, { receivedAt: new Date().toISOString() }));
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, loop));
  console.log(JSON.stringify(loadResult(latencies, errors, (Date.now() - began) / 1000)));
  await connection.close();
}

void main();
