// `npm run demo`: a few simulated meetings of both providers, played through the provider simulator into the
// service and followed to their end; prints each meeting's final view and its Temporal UI link.
//
// With a service running (`npm start` and `npm run simulator`, configured as in .env.example) it uses that
// one. With none answering at API_URL it starts everything itself (scripts/demo/self-started.ts) and stops it
// at the end; `npm run demo -- --keep` leaves that running for the UI and curl until Ctrl-C.
//
// Against a running service, two meetings wait on its watchdog settings: with the defaults they stay waiting
// (30 min and 24 h) and the demo says so; start it with short ones to see them finish within seconds:
//   FINAL_DATA_TIMEOUT_SECONDS=5 RECONCILE_INTERVAL_SECONDS=2 WEBEX_ASSET_DEADLINE_SECONDS=15 npm start
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { follow, printReport } from './demo/report';
import { scenarios } from './demo/scenarios';
import { startDemoService, type SelfStartedService } from './demo/self-started';
import type { DemoTarget } from './demo/target';

// The service's settings (.env.example): the demo reads a running service's meetings with one of its API_TOKENS.
if (fs.existsSync('.env')) process.loadEnvFile('.env');

const env = z
  .object({
    SIMULATOR_URL: z.url().default('http://127.0.0.1:4010'),
    API_URL: z.url().default(`http://127.0.0.1:${process.env.PORT ?? 3000}`),
    TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** A read token of the running service; default: the first token of API_TOKENS. */
    API_TOKEN: z.string().min(1).optional(),
    API_TOKENS: z.string().optional(),
    /** How long to follow the meetings before printing where they are (default 30 s, 90 s self-started). */
    DEMO_WAIT_SECONDS: z.coerce.number().int().min(1).optional(),
    DEMO_WORDS: z.coerce.number().int().min(0).default(400),
    DEMO_RECORDING_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(5 * 1024 * 1024),
  })
  .parse(process.env);

const { values: flags } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** The running service at API_URL (and its simulator), or undefined when none answers there. */
async function runningService(): Promise<DemoTarget | undefined> {
  if (!(await answers(`${env.API_URL}/healthz`))) return undefined;
  if (!(await answers(`${env.SIMULATOR_URL}/sim/requests`)))
    throw new Error(
      `the service answers at ${env.API_URL} but the provider simulator does not at ${env.SIMULATOR_URL}: ` +
        'start it with `npm run simulator` (or stop the service, and the demo starts everything itself)',
    );
  const readToken = env.API_TOKEN ?? env.API_TOKENS?.split(',')[0]?.split(':').slice(1).join(':').trim();
  if (!readToken) throw new Error('set API_TOKEN (or API_TOKENS, as in .env.example) to read meetings');
  return {
    apiUrl: env.API_URL,
    simulatorUrl: env.SIMULATOR_URL,
    temporalUiUrl: env.TEMPORAL_UI_URL,
    namespace: env.TEMPORAL_NAMESPACE,
    readToken,
    shortWatchdogs: false,
  };
}

/** What to use now that everything runs: printed with --keep. */
function printKept(own: SelfStartedService): void {
  const { target, writeToken } = own;
  console.log(
    [
      '',
      'Everything keeps running (Ctrl-C stops it all); each request to the API is logged below.',
      `  API          ${target.apiUrl}   read token ${target.readToken}, write token ${writeToken}`,
      `  Temporal UI  ${target.temporalUiUrl}`,
      `  simulator    ${target.simulatorUrl}`,
      'Try:',
      `  curl -H 'Authorization: Bearer ${target.readToken}' '${target.apiUrl}/meetings?limit=10'`,
      `  curl -X POST -H 'Content-Type: application/json' ${target.simulatorUrl}/sim/meetingbaas/meetings -d '{}'`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<number> {
  const running = await runningService();
  let own: SelfStartedService | undefined;
  if (!running) {
    console.log(
      `No service answers at ${env.API_URL}: starting one for the demo (Temporal, simulator, worker, API)…`,
    );
    own = await startDemoService();
  }
  const target = running ?? own!.target;
  try {
    const all = scenarios(target, { words: env.DEMO_WORDS, recordingBytes: env.DEMO_RECORDING_BYTES });
    const waitSeconds = env.DEMO_WAIT_SECONDS ?? (own ? 90 : 30);
    console.log(`Playing ${all.length} meetings into ${target.apiUrl}:`);
    const until = Date.now() + waitSeconds * 1000;
    const results = await Promise.all(
      all.map(async (s) => ({ s, view: await follow(target, s, await s.play(), until) })),
    );
    const unexpected = printReport(target, results, waitSeconds);
    if (own && flags.keep) {
      printKept(own);
      own.showLogs();
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      console.log('stopping…');
    } else if (own) {
      console.log(
        '\nThe demo stopped what it started; `npm run demo -- --keep` leaves it running for the Temporal UI and curl.',
      );
    }
    return unexpected ? 1 : 0;
  } finally {
    await own?.stop();
  }
}

main().then(
  // Exit now: the in-process worker's runtime would otherwise keep the process a while longer.
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
