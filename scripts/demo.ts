// `npm run demo`: a few simulated meetings of both providers, played through the running provider simulator
// (`npm run simulator`) into the running service (`npm start`, configured as in .env.example), followed to
// their end; prints each meeting's final view and its Temporal UI link.
//
// Two of them wait on the service's watchdog settings. With the defaults they stay waiting (for 30 min and
// 24 h) and the demo says so; start the service with short ones to see them finish within seconds:
//   FINAL_DATA_TIMEOUT_SECONDS=5 RECONCILE_INTERVAL_SECONDS=2 WEBEX_ASSET_DEADLINE_SECONDS=15 npm start
import fs from 'node:fs';
import { z } from 'zod';
import type { MeetingView } from '../domain/view';

// The service's settings (.env.example): the demo reads meetings with one of its API_TOKENS.
if (fs.existsSync('.env')) process.loadEnvFile('.env');

const env = z
  .object({
    SIMULATOR_URL: z.url().default('http://127.0.0.1:4010'),
    API_URL: z.url().default(`http://127.0.0.1:${process.env.PORT ?? 3000}`),
    TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** A read token of the service; default: the first token of API_TOKENS. */
    API_TOKEN: z.string().min(1).optional(),
    API_TOKENS: z.string().optional(),
    /** How long to follow the meetings before printing where they are. */
    DEMO_WAIT_SECONDS: z.coerce.number().int().min(1).default(30),
    DEMO_WORDS: z.coerce.number().int().min(0).default(400),
    DEMO_RECORDING_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(5 * 1024 * 1024),
  })
  .parse(process.env);
const apiToken = env.API_TOKEN ?? env.API_TOKENS?.split(',')[0]?.split(':').slice(1).join(':').trim();
if (!apiToken) throw new Error('set API_TOKEN (or API_TOKENS, as in .env.example) to read meetings');

type Provider = MeetingView['provider'];

interface Scenario {
  title: string;
  provider: Provider;
  /** Creates the meeting in the simulator and plays the provider's webhooks; returns its external id. */
  play: () => Promise<string>;
  expected: 'completed' | 'failed';
  /** Set when the meeting may still be waiting at the end, on purpose: what for, and which setting says. */
  mayWait?: string;
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const sim = <T>(path: string, body: unknown) => call<T>('POST', `${env.SIMULATOR_URL}${path}`, body);

/** A scripted Meeting BaaS bot whose v1 webhooks the simulator posts to the service. */
async function meetingBaas(meeting: object, play: object): Promise<string> {
  const { botId } = await sim<{ botId: string }>('/sim/meetingbaas/meetings', {
    words: env.DEMO_WORDS,
    recordingBytes: env.DEMO_RECORDING_BYTES,
    ...meeting,
  });
  const { deliveries } = await sim<{ deliveries: { event: string; code?: string; status: number }[] }>(
    `/sim/meetingbaas/meetings/${botId}/play`,
    { webhookUrl: `${env.API_URL}/webhooks/meetingbaas`, delayMs: 100, ...play },
  );
  const refused = deliveries.filter((d) => d.status !== 200);
  if (refused.length)
    throw new Error(
      `the service refused ${refused.map((d) => `${d.code ?? d.event} (HTTP ${d.status})`).join(', ')}: ` +
        'is its MEETINGBAAS_API_KEY the simulator key (see .env.example)?',
    );
  return botId;
}

/** A Webex meeting in the simulator's Webex, and its signed `meetings`/`ended` webhook to the service. */
async function webex(meeting: object): Promise<string> {
  const { meetingId } = await sim<{ meetingId: string }>('/sim/webex/meetings', {
    recordings: [{ bytes: env.DEMO_RECORDING_BYTES, durationSeconds: 1800 }],
    ...meeting,
  });
  const sent = await sim<{ status: number; body: unknown }>(`/sim/webex/meetings/${meetingId}/webhooks`, {
    resource: 'meetings',
    event: 'ended',
    targetUrl: `${env.API_URL}/webhooks/webex`,
  });
  if (sent.status !== 200)
    throw new Error(
      `the service answered the Webex webhook with HTTP ${sent.status} ${JSON.stringify(sent.body)}: ` +
        'are its WEBEX_* settings the simulator ones (see .env.example)?',
    );
  return meetingId;
}

const SCENARIOS: Scenario[] = [
  {
    title: 'Meeting BaaS: recorded, paused, transcribed',
    provider: 'meetingbaas',
    play: () => meetingBaas({ pause: true }, {}),
    expected: 'completed',
  },
  {
    title: 'Meeting BaaS: every webhook twice, in reverse order',
    provider: 'meetingbaas',
    play: () => meetingBaas({}, { order: 'reverse', duplicate: true }),
    expected: 'completed',
  },
  {
    title: 'Meeting BaaS: bot rejected from the meeting',
    provider: 'meetingbaas',
    play: () => meetingBaas({ outcome: 'failed', failureCode: 'BotNotAccepted' }, {}),
    expected: 'failed',
  },
  {
    title: 'Meeting BaaS: final webhook lost, data published late (reconciled from the API)',
    provider: 'meetingbaas',
    play: () => meetingBaas({ dataDelayMs: 8000 }, { include: 'statuses' }),
    expected: 'completed',
    mayWait:
      'the final webhook never comes: the service asks Meeting BaaS after FINAL_DATA_TIMEOUT_SECONDS ' +
      '(30 min by default) and finds the data there',
  },
  {
    title: 'Webex: recording, transcript and participants',
    provider: 'webex',
    play: () => webex({ title: 'Demo: weekly sync', participants: 8, snippets: 30 }),
    expected: 'completed',
  },
  {
    title: 'Webex: transcript never published',
    provider: 'webex',
    play: () => webex({ title: 'Demo: no Webex Assistant', transcript: false }),
    expected: 'completed',
    mayWait:
      'Webex may publish the transcript hours later: the service keeps looking until ' +
      'WEBEX_ASSET_DEADLINE_SECONDS (24 h by default), then marks it unavailable and completes',
  },
];

const isFinal = (v: MeetingView) => v.status === 'completed' || v.status === 'failed';
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the meeting's view until it is final or the demo's time is up; prints each status change. */
async function follow(s: Scenario, externalId: string, until: number): Promise<MeetingView | undefined> {
  const url = `${env.API_URL}/meetings/${s.provider}/${encodeURIComponent(externalId)}`;
  let last: MeetingView | undefined;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${apiToken}` } });
    if (res.ok) {
      const view = (await res.json()) as MeetingView;
      if (view.status !== last?.status) console.log(`  ${s.title}: ${view.status}`);
      last = view;
      if (isFinal(view)) return view;
    } else if (res.status !== 404) {
      throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
    }
    if (Date.now() > until) return last;
    await delay(500);
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const uiLink = (workflowId: string) =>
  `${env.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

/** One history entry: its code, where it came from unless a webhook, in brackets when it changed nothing. */
const historyEntry = (h: MeetingView['history'][number]) => {
  const code = h.source === 'webhook' ? h.code : `${h.code}(${h.source})`;
  return h.applied ? code : `[${code}]`;
};

/** The view in a few lines: status, each asset, the history. */
function compact(view: MeetingView): string[] {
  const lines = [`${view.workflowId}  ${view.status}${view.endReason ? ` (${view.endReason})` : ''}`];
  if (view.title) lines.push(`  title         ${view.title}`);
  if (view.error) lines.push(`  error         ${view.error.code}: ${view.error.message}`);
  const { recording: rec, transcript: tr, participants: pa } = view;
  if (rec)
    lines.push(
      `  recording     ${rec.status}${rec.parts && rec.parts.length > 1 ? ` (${rec.parts.length} parts)` : ''}` +
        (rec.archive ? `  ${mib(rec.archive.bytes)}  ${rec.archive.uri}` : '') +
        (rec.reason ? `  ${rec.reason}` : ''),
    );
  if (tr)
    lines.push(
      `  transcript    ${tr.status}` +
        (tr.utterances !== undefined ? `  ${tr.utterances} utterances` : '') +
        (tr.speakers?.length ? ` by ${tr.speakers.join(', ')}` : '') +
        (tr.reason ? `  ${tr.reason}` : ''),
    );
  if (pa)
    lines.push(
      `  participants  ${pa.status}${pa.count !== undefined ? `  ${pa.count}` : ''}${pa.reason ? `  ${pa.reason}` : ''}`,
    );
  lines.push(`  history       ${view.history.map(historyEntry).join(' > ')}`);
  lines.push(`  Temporal UI   ${uiLink(view.workflowId)}`);
  return lines;
}

async function reachable(url: string, what: string): Promise<void> {
  try {
    await fetch(url);
  } catch {
    throw new Error(`${what} does not answer at ${url}`);
  }
}

async function main(): Promise<void> {
  await reachable(`${env.SIMULATOR_URL}/sim/requests`, 'the provider simulator (npm run simulator)');
  await reachable(`${env.API_URL}/healthz`, 'the service (npm start)');

  console.log(`Playing ${SCENARIOS.length} meetings into ${env.API_URL}:`);
  const until = Date.now() + env.DEMO_WAIT_SECONDS * 1000;
  const results = await Promise.all(
    SCENARIOS.map(async (s) => {
      const externalId = await s.play();
      return { s, view: await follow(s, externalId, until) };
    }),
  );

  let unexpected = 0;
  for (const { s, view } of results) {
    console.log(`\n== ${s.title}`);
    if (!view) {
      unexpected++;
      console.log('  no meeting after the webhooks: is the worker running?');
      continue;
    }
    console.log(compact(view).join('\n'));
    if (isFinal(view) && view.status !== s.expected) {
      unexpected++;
      console.log(`  UNEXPECTED: ${s.expected} was expected`);
    } else if (!isFinal(view)) {
      if (!s.mayWait) unexpected++;
      console.log(
        s.mayWait
          ? `  still ${view.status}, as expected with the default settings: ${s.mayWait}`
          : `  UNEXPECTED: still ${view.status} after ${env.DEMO_WAIT_SECONDS} s`,
      );
    }
  }
  console.log(
    '\nhistory: provider codes in order received; (api)/(timer): found by asking the provider/by a timer;' +
      ' [in brackets]: recorded, changed nothing (a duplicate, an event older than the state, a note)',
  );
  if (unexpected) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
