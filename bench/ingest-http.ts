// Load generator, run in its own process: v1 status-change webhooks to POST /webhooks/meetingbaas, each for
// a distinct meeting, at a fixed concurrency for a fixed time (autocannon). Prints one JSON LoadResult.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { loadResult } from './stats';

const [apiUrl, apiKey, connections, seconds] = process.argv.slice(2);

async function main() {
  const latencies: number[] = [];
  let errors = 0;
  let finished!: (r: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
  const instance = autocannon(
    {
      url: `${apiUrl}/webhooks/meetingbaas`,
      connections: Number(connections),
      duration: Number(seconds),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-meeting-baas-api-key': apiKey! },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              event: 'bot.status_change',
              data: {
                bot_id: `bench-http-${randomUUID()}`,
                status: { code: 'joining_call', created_at: new Date().toISOString() },
              },
            }),
          }),
        },
      ],
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
  console.log(JSON.stringify(loadResult(latencies, errors, Number(seconds))));
}

void main();
