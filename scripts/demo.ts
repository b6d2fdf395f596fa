// `npm run demo`: asks the running provider simulator (`npm run simulator`) for a scripted Meeting BaaS
// meeting, plays its webhooks into the running service (`npm start`) and follows it to the end.
import { z } from 'zod';
import type { MeetingView } from '../domain/view';

const env = z
  .object({
    SIMULATOR_URL: z.url().default('http://127.0.0.1:4010'),
    API_URL: z.url().default(`http://127.0.0.1:${process.env.PORT ?? 3000}`),
    DEMO_WORDS: z.coerce.number().int().min(0).default(400),
    DEMO_RECORDING_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(20 * 1024 * 1024),
  })
  .parse(process.env);

async function json<T>(res: Response): Promise<T> {
  if (!res.ok && res.status !== 404) throw new Error(`${res.url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function main() {
  const created = await json<{ botId: string; recording: { bytes: number; sha256: string } }>(
    await fetch(`${env.SIMULATOR_URL}/sim/meetingbaas/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ words: env.DEMO_WORDS, recordingBytes: env.DEMO_RECORDING_BYTES, pause: true }),
    }),
  );
  console.log(
    `simulated bot ${created.botId}: recording of ${created.recording.bytes} bytes, sha256 ${created.recording.sha256}`,
  );

  const played = await json<{ deliveries: { event: string; code?: string; status: number }[] }>(
    await fetch(`${env.SIMULATOR_URL}/sim/meetingbaas/meetings/${created.botId}/play`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookUrl: `${env.API_URL}/webhooks/meetingbaas`, delayMs: 300 }),
    }),
  );
  for (const d of played.deliveries) console.log(`  ${d.event} ${d.code ?? ''} -> HTTP ${d.status}`);
  if (played.deliveries.some((d) => d.status !== 200)) {
    console.error(
      'the service refused deliveries: is MEETINGBAAS_API_KEY the simulator key (see .env.example)?',
    );
    process.exit(1);
  }

  for (let last = ''; ; await new Promise((r) => setTimeout(r, 500))) {
    const view = await json<MeetingView>(await fetch(`${env.API_URL}/meetings/meetingbaas/${created.botId}`));
    if (view.status !== last) console.log(`status: ${(last = view.status)}`);
    if (view.status === 'completed' || view.status === 'failed') {
      console.log(JSON.stringify({ ...view, history: view.history.length }, null, 2));
      console.log(
        `\nSee it in the Temporal UI: http://localhost:8233/namespaces/default/workflows/meetingbaas:${created.botId}`,
      );
      return;
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
