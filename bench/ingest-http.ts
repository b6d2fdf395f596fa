// Load generator, run in its own process: v1 status-change webhooks to POST /webhooks/meetingbaas at a fixed
// concurrency (autocannon), for a fixed time or a fixed number of requests. Prints one JSON LoadResult.
//   distinct: each webhook for a new meeting (signal-with-start of a new workflow each time);
//   one:<bot id>: every webhook for that one meeting, in-call statuses with advancing timestamps, each sent
//   twice (a provider's retry storm: half distinct events, half duplicates).
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { loadResult } from './stats';

const [apiUrl, apiKey, connections, seconds, target = 'distinct', amount] = process.argv.slice(2);
const oneMeeting = target.startsWith('one:') ? target.slice('one:'.length) : undefined;
const IN_CALL = ['in_call_recording', 'recording_paused', 'recording_resumed'] as const;
const base = Date.parse('2026-01-01T00:00:00.000Z');
let sent = 0;

function body(): string {
  const n = sent++;
  const event = oneMeeting
    ? { bot_id: oneMeeting, code: IN_CALL[Math.floor(n / 2) % 3]!, at: base + Math.floor(n / 2) * 1000 }
    : { bot_id: `bench-http-${randomUUID()}`, code: 'joining_call', at: Date.now() };
  return JSON.stringify({
    event: 'bot.status_change',
    data: {
      bot_id: event.bot_id,
      status: { code: event.code, created_at: new Date(event.at).toISOString() },
    },
  });
}

async function main() {
  const latencies: number[] = [];
  let errors = 0;
  let finished!: (r: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
  const started = Date.now();
  const instance = autocannon(
    {
      url: `${apiUrl}/webhooks/meetingbaas`,
      connections: Number(connections),
      ...(amount ? { amount: Number(amount) } : { duration: Number(seconds) }),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': apiKey! },
      requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
    },
    (err, result) => {
      if (err) throw err;
      finished(result);
    },
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode === 200) latencies.push(responseTime);
    else errors++;
  });
  const result = await done;
  errors += result.errors + result.timeouts;
  console.log(
    JSON.stringify(loadResult(latencies, errors, amount ? (Date.now() - started) / 1000 : Number(seconds))),
  );
}

void main();
