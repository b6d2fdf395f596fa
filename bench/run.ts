// `npm run bench`: meetings end to end, memory against recording size, (with --growth) time per meeting as N
// grows, and webhook ingestion against the raw signalWithStart baseline at several concurrencies. Starts and
// stops every process it needs; prints tables and writes bench/results/<time>.json. `--quick` is CI's smoke
// check: small, and it fails on any lost, stuck or wrongly archived meeting, never on speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishArchiveOnly, printArchiveBench, runArchiveBench } from './archive';
import { runEndToEnd, type EndToEndResult } from './end-to-end';
import { printEncryption, runEncryptionComparison, type EncryptionResult } from './encryption';
import { load } from './load';
import { resumeTable, runResume } from './resume';
import { runNotify, type NotifyBenchResult } from './notify';
import { runStorm, type StormResult } from './storm';
import { Client, Connection } from '@temporalio/client';
import {
  BENCH_API_KEY,
  cpuByProcess,
  cpuSeconds,
  rss,
  servicesDataConverter,
  startServices,
  type CpuUser,
  type Services,
} from './processes';
import { fixed, mb, type LoadResult } from './stats';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const numberOption = (name: string, fallback: number) => Number(option(name) ?? fallback);
const quick = flag('quick');
// --only=storm,ingestion: just those phases (archive, end-to-end, memory, open, storm, ingestion; encryption
// and resume run only when named: --only=encryption, --only=resume).
const only = option('only')?.split(',');
const phase = (name: string) => !only || only.includes(name);
const growth = flag('growth') ? [100, 500, 1000] : [];
const meetings = numberOption('n', quick ? 20 : 500);
const settings = {
  // Concurrent connections of each ingestion run: from one caller to more than the server sustains.
  connections: (option('connections') ?? (quick ? '2,10' : '1,2,5,10,50')).split(',').map(Number),
  ingestSeconds: numberOption('seconds', quick ? 3 : 10),
  // With --growth, the run of N is one of the growth runs.
  meetings: growth.includes(meetings) ? [] : [meetings],
  growth,
  concurrency: numberOption('concurrency', quick ? 10 : 20),
  recordingBytes: numberOption('recording-mb', quick ? 1 : 5) * 2 ** 20,
  words: 600,
  memory: !quick && !flag('no-memory'),
  // Meetings left open at once (started, not ended), for the worker's memory per open meeting.
  openMeetings: numberOption('open', quick ? 200 : 1000),
  // A retry storm on one meeting against as many webhooks to distinct meetings (10,000+ in the full run).
  // Quick: a small storm (the jest suite's delivery-storm test already sends 10,500 to one meeting in CI).
  storm: { deliveries: numberOption('storm', quick ? 600 : 10_500), connections: 10 },
  // Plain and encrypted payloads in turn: rounds of N meetings each (1 MiB recordings, so that the download
  // does not hide what encryption costs).
  encryption: {
    rounds: numberOption('rounds', quick ? 1 : 3),
    meetings: numberOption('encryption-n', quick ? 20 : 100),
  },
  // A recording archived into each store against the raw baseline (bench/archive.ts).
  archive: {
    sizes: (option('archive-mb') ?? (quick ? '16' : '5,1024')).split(',').map((m) => Number(m) * 2 ** 20),
    runs: numberOption('archive-runs', quick ? 1 : 5),
    stores: (option('archive-stores') ?? 'directory,s3').split(',') as ('directory' | 's3')[],
    diagnose: flag('archive-diagnose'),
    warmUp: !quick,
  },
};

/** A load run with the CPU milliseconds per request each service process spent on it. */
async function measured(services: Services, fn: () => Promise<LoadResult>) {
  const before = cpuByProcess(services);
  const result = await fn();
  const after = cpuByProcess(services);
  const perRequest = (k: CpuUser) => ((after[k] - before[k]) * 1000) / Math.max(1, result.requests);
  return {
    ...result,
    cpuMsPerRequest: {
      temporal: perRequest('temporal'),
      worker: perRequest('worker'),
      api: perRequest('api'),
    },
  };
}
type MeasuredLoad = Awaited<ReturnType<typeof measured>>;

async function ingestionAt(services: Services, connections: number) {
  const seconds = String(settings.ingestSeconds);
  const raw = () =>
    measured(services, () => load('ingest-raw.ts', [String(connections), seconds], services.env));
  const api = () =>
    measured(services, () =>
      load('ingest-http.ts', [services.apiUrl, BENCH_API_KEY, String(connections), seconds], {}),
    );
  // Raw and API runs taken in turn (raw, API, raw, API, raw): the machine is shared and one 10 s run can be
  // 10 % off the next, so the ratio compares the mean rates of runs spread over the same minute.
  const runs = { raw: [await raw()], api: [await api()] };
  runs.raw.push(await raw());
  runs.api.push(await api());
  runs.raw.push(await raw());
  const meanRate = (rs: LoadResult[]) => rs.reduce((sum, r) => sum + r.perSecond, 0) / rs.length;
  return {
    connections,
    ...runs,
    apiRate: meanRate(runs.api),
    // The worse of the API runs: the p99 target must hold in each.
    apiP99: Math.max(...runs.api.map((r) => r.p99)),
    apiErrors: runs.api.reduce((sum, r) => sum + r.errors, 0),
    ratio: meanRate(runs.api) / meanRate(runs.raw),
  };
}
type Ingestion = Awaited<ReturnType<typeof ingestionAt>>;

const e2e = (services: Services, n: number, recordingBytes = settings.recordingBytes) =>
  runEndToEnd(services, {
    meetings: n,
    concurrency: settings.concurrency,
    recordingBytes,
    words: settings.words,
    timeoutMs: 10 * 60_000,
  });

/**
 * A timed run of N meetings on a just-restarted worker and API, after a warm-up round of `concurrency`
 * meetings that is not counted (their JIT would otherwise weigh on small N only). A warm-up that loses a
 * meeting fails the run all the same.
 */
async function timedEndToEnd(services: Services, n: number): Promise<EndToEndResult[]> {
  const warmUp = await e2e(services, settings.concurrency);
  const timed = await e2e(services, n);
  return warmUp.lost || warmUp.stuck || warmUp.wrongArchive ? [timed, { ...warmUp, warmUp: true }] : [timed];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The worker's memory per open meeting (each one cached by the worker until it ends): on a fresh worker,
 * start `count` meetings, let the worker go idle, and divide what its resident memory grew by.
 */
async function openMeetings(services: Services, count: number) {
  await services.restartServices();
  await sleep(2000);
  const before = rss(services.worker.pid) ?? NaN;
  const started = await load('ingest-raw.ts', ['10', '600', String(count)], services.env);
  // Idle: under 50 ms of CPU in a second (every first workflow task done), or a minute at most.
  for (let i = 0, last = cpuSeconds(services.worker.pid) ?? 0; i < 60; i++) {
    await sleep(1000);
    const now = cpuSeconds(services.worker.pid) ?? 0;
    if (now - last < 0.05) break;
    last = now;
  }
  const after = rss(services.worker.pid) ?? NaN;
  const connection = await Connection.connect({ address: services.temporalAddress });
  const { count: open } = await new Client({
    connection,
    dataConverter: servicesDataConverter(services.env),
  }).workflow.count(`WorkflowType = 'meetingWorkflow' AND ExecutionStatus = 'Running'`);
  await connection.close();
  return {
    started: started.requests,
    open,
    workerRssBefore: before,
    workerRssAfter: after,
    perMeeting: (after - before) / open,
  };
}

/** The most webhooks per second the API took with a p99 under 100 ms, and at how many connections. */
function sustained(levels: Ingestion[]): Ingestion | undefined {
  return levels.filter((l) => l.apiP99 < 100 && l.apiErrors === 0).sort((a, b) => b.apiRate - a.apiRate)[0];
}

function printStorm(r: StormResult) {
  console.log(
    `\nStorm: ${r.deliveries} webhooks to one meeting against as many to distinct meetings, in turn`,
  );
  console.log('| target | per second | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
  [r.distinct[0], r.oneMeeting[0], r.distinct[1], r.oneMeeting[1]].forEach((l, i) =>
    console.log(
      `| ${i % 2 ? '**one meeting**' : 'distinct meetings'} | ${fixed(l!.perSecond, 0)} | ${fixed(l!.p50)} | ${fixed(l!.p99)} | ${l!.errors} |`,
    ),
  );
  console.log(
    `One / distinct: ${fixed(r.ratio, 2)}; the storm's meeting: ${r.outcome}, ${r.runs} runs, at most ${r.historyEventsMax} events / ${r.historyBytesMax} bytes of history per run`,
  );
}

function printTables(endToEnd: EndToEndResult[], ingestion: Ingestion[]) {
  console.log('\nEnd to end');
  console.log(
    '| N | recording | meetings/min | ms/meeting | complete→completed p50 / p99 ms | lost | stuck | wrong | history events / bytes (max) | worker RSS peak (steady) | API RSS peak (steady) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of endToEnd)
    console.log(
      `| ${r.meetings}${r.warmUp ? ' (warm-up)' : ''} | ${mb(r.recordingBytes)} | ${fixed(r.meetingsPerMinute)} | ${fixed(r.msPerMeeting, 0)} | ${fixed(r.completeToCompletedP50Ms, 0)} / ${fixed(r.completeToCompletedP99Ms, 0)} | ${r.lost} | ${r.stuck} | ${r.wrongArchive} | ${r.historyEventsMax} / ${r.historyBytesMax} | ${mb(r.workerPeakRss)} (${mb(r.workerSteadyRss)}) | ${mb(r.apiPeakRss)} (${mb(r.apiSteadyRss)}) |`,
    );
  console.log('\nCPU ms per meeting, by process');
  console.log(
    '| N | recording | Temporal server | worker | API | simulator | driver |\n|---|---|---|---|---|---|---|',
  );
  for (const r of endToEnd) {
    const c = r.cpuMsPerMeeting;
    console.log(
      `| ${r.meetings} | ${mb(r.recordingBytes)} | ${fixed(c.temporal)} | ${fixed(c.worker)} | ${fixed(c.api)} | ${fixed(c.simulator)} | ${fixed(c.driver)} |`,
    );
  }

  console.log(`\nIngestion (${settings.ingestSeconds} s per run; raw and API runs in turn)`);
  console.log(
    '| connections | | per second | p50 ms | p95 ms | p99 ms | errors | CPU ms/request: server / worker / API |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (connections: number, name: string, r: MeasuredLoad) => {
    const c = r.cpuMsPerRequest;
    console.log(
      `| ${connections} | ${name} | ${fixed(r.perSecond, 0)} | ${fixed(r.p50)} | ${fixed(r.p95)} | ${fixed(r.p99)} | ${r.errors} | ${fixed(c.temporal)} / ${fixed(c.worker)} / ${fixed(c.api)} |`,
    );
  };
  for (const l of ingestion) {
    [l.raw[0], l.api[0], l.raw[1], l.api[1], l.raw[2]].forEach((r, i) =>
      row(l.connections, i % 2 ? '**API** POST /webhooks/meetingbaas' : 'raw signalWithStart', r!),
    );
  }
  console.log(
    `API / raw by connections: ${ingestion.map((l) => `${l.connections}: ${fixed(l.ratio, 2)}`).join(', ')}`,
  );
  const best = sustained(ingestion);
  console.log(
    best
      ? `Sustained with p99 < 100 ms: ${fixed(best.apiRate, 0)} webhooks/s at ${best.connections} connections (API / raw ${fixed(best.ratio, 2)})`
      : 'Sustained with p99 < 100 ms: none of the levels run',
  );
}

/** What the run is doing, on stderr (the tables come at the end, on stdout). */
const progress = (what: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);

async function main() {
  const started = Date.now();
  // The archive phase needs none of the services below: it runs first, on its own.
  const archive = phase('archive') ? await runArchiveBench(settings.archive, progress) : undefined;
  // Resumable downloads (bench/resume.ts): only when named (--only=resume), it takes a few minutes.
  if (only?.includes('resume')) {
    progress('resume: interrupted downloads resumed, against uninterrupted and restarted ones');
    console.log(`\nResumable downloads\n${resumeTable(await runResume())}`);
  }
  if (only?.every((p) => p === 'archive' || p === 'resume')) {
    if (archive) finishArchiveOnly(archive, started);
    return;
  }
  // --profile: V8 CPU profiles of the worker and the API (open them in Chrome DevTools or speedscope).
  const profileDir = flag('profile')
    ? path.join(__dirname, 'results', `profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`)
    : undefined;
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const services = await startServices({ profileDir });
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${args.join(' ')}`.trim(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memory: mb(os.totalmem()),
      node: process.version,
    },
    settings,
  };
  const endToEnd: EndToEndResult[] = [];
  const ingestion: Ingestion[] = [];
  let open: Awaited<ReturnType<typeof openMeetings>> | undefined;
  let storm: StormResult | undefined;
  let encryption: EncryptionResult | undefined;
  let notify: NotifyBenchResult | undefined;
  try {
    // Each run on a freshly started worker and API, so that its memory peak is its own.
    for (const n of phase('end-to-end') ? [...settings.meetings, ...settings.growth] : []) {
      await services.restartServices();
      progress(`end to end: ${n} meetings, ${settings.concurrency} at a time`);
      endToEnd.push(...(await timedEndToEnd(services, n)));
    }
    if (settings.memory && phase('memory')) {
      // Same few meetings with a 40x larger recording: a streamed download keeps the worker's peak flat.
      for (const bytes of [5 * 2 ** 20, 200 * 2 ** 20]) {
        await services.restartServices();
        progress(`memory: 3 meetings with a ${mb(bytes)} recording`);
        endToEnd.push(await e2e(services, 3, bytes));
      }
    }
    if (phase('open')) {
      progress(`open meetings: ${settings.openMeetings} started and left open`);
      open = await openMeetings(services, settings.openMeetings);
    }
    if (phase('storm')) {
      await services.restartServices();
      progress(`storm: ${settings.storm.deliveries} webhooks to one meeting, as many to distinct ones`);
      storm = await runStorm(services, { ...settings.storm, timeoutMs: 5 * 60_000 });
    }
    if (only?.includes('encryption')) {
      progress(`encryption: ${settings.encryption.rounds} rounds, plain and encrypted in turn`);
      encryption = await runEncryptionComparison(
        services,
        { ...settings.encryption, warmUp: settings.concurrency },
        (s, n) => e2e(s, n, 2 ** 20),
      );
    }
    // Notifications (bench/notify.ts): with --only=notify, or in a full run.
    if (only ? phase('notify') : !quick) {
      progress(`notify: ${meetings} meetings, completed -> delivered`);
      notify = await runNotify(services, {
        meetings,
        concurrency: settings.concurrency,
        timeoutMs: 10 * 60_000,
      });
    }
    // Last: ingestion leaves thousands of open meetings whose first tasks would queue ahead of the above.
    for (const connections of phase('ingestion') ? settings.connections : []) {
      progress(`ingestion: ${connections} connections`);
      ingestion.push(await ingestionAt(services, connections));
    }
  } finally {
    await services.stop();
  }
  Object.assign(results, {
    archive,
    endToEnd,
    openMeetings: open,
    storm,
    encryption,
    ingestion,
    sustained: sustained(ingestion),
    notify,
  });
  results.seconds = (Date.now() - started) / 1000;
  printTables(endToEnd, ingestion);
  if (open)
    console.log(
      `\nOpen meetings: ${open.open} open (all cached by the worker); worker RSS ${mb(open.workerRssBefore)} -> ${mb(open.workerRssAfter)}, ${fixed(open.perMeeting / 1024, 0)} KB per open meeting`,
    );
  if (storm) printStorm(storm);
  if (encryption) printEncryption(encryption);
  if (notify)
    console.log(
      `\nNotifications: ${notify.delivered}/${notify.meetings} delivered (${notify.badSignatures} bad signatures); completed -> delivered p50 ${fixed(notify.completedToDeliveredP50Ms, 0)} ms, p99 ${fixed(notify.completedToDeliveredP99Ms, 0)} ms, max ${fixed(notify.completedToDeliveredMaxMs, 0)} ms`,
    );
  if (archive) printArchiveBench(archive);
  for (const r of endToEnd) for (const p of r.problems) console.error(`problem: ${p}`);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  if (profileDir) console.log(`CPU profiles: ${profileDir}`);
  console.log(`\n${quick ? 'quick ' : ''}run in ${fixed(results.seconds as number, 0)} s; results: ${file}`);
  if (endToEnd.some((r) => r.lost || r.stuck || r.wrongArchive)) {
    console.error('FAILED: a meeting was lost, stuck or wrongly archived');
    process.exit(1);
  }
  if (archive?.problems.length) {
    console.error(`FAILED: the archive phase: ${archive.problems.join('; ')}`);
    process.exit(1);
  }
  if (storm && (storm.errors || storm.outcome !== 'completed')) {
    console.error(`FAILED: the storm had ${storm.errors} refused webhooks; its meeting: ${storm.outcome}`);
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
