// `npm run bench`: webhook ingestion against the raw signalWithStart baseline, end-to-end collection,
// memory against recording size and (with --growth) time per meeting as N grows. Starts and stops every
// process it needs; prints a table and writes bench/results/<time>.json. `--quick` is CI's smoke check:
// small, and it fails on any lost, stuck or wrongly archived meeting, never on speed.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runEndToEnd, type EndToEndResult } from './end-to-end';
import { BENCH_API_KEY, startServices, type Services } from './processes';
import { fixed, mb, type LoadResult } from './stats';

const run = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const given = args.find((a) => a.startsWith(`--${name}=`));
  return given ? Number(given.split('=')[1]) : fallback;
};
const quick = flag('quick');
const settings = {
  connections: option('connections', quick ? 10 : 50),
  ingestSeconds: option('seconds', quick ? 3 : 10),
  meetings: option('n', quick ? 20 : 500),
  concurrency: option('concurrency', quick ? 10 : 20),
  recordingBytes: option('recording-mb', quick ? 1 : 5) * 2 ** 20,
  words: 600,
  growth: flag('growth') ? [100, 500, 1000] : [],
  memory: !quick && !flag('no-memory'),
};

/** Runs a load generator in its own process and reads its one JSON line. */
async function load(script: string, scriptArgs: string[]): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, script), ...scriptArgs],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

async function ingestion(services: Services) {
  const { connections, ingestSeconds } = settings;
  // Raw first, then the API, then raw again: the machine is shared, so the ratio uses both raw runs.
  const raw1 = await load('ingest-raw.ts', [
    services.temporalAddress,
    String(connections),
    String(ingestSeconds),
  ]);
  const api = await load('ingest-http.ts', [
    services.apiUrl,
    BENCH_API_KEY,
    String(connections),
    String(ingestSeconds),
  ]);
  const raw2 = await load('ingest-raw.ts', [
    services.temporalAddress,
    String(connections),
    String(ingestSeconds),
  ]);
  const rawRate = (raw1.perSecond + raw2.perSecond) / 2;
  return { connections, api, raw: [raw1, raw2], ratio: api.perSecond / rawRate };
}

const e2e = (services: Services, meetings: number, recordingBytes = settings.recordingBytes) =>
  runEndToEnd(services, {
    meetings,
    concurrency: settings.concurrency,
    recordingBytes,
    words: settings.words,
    timeoutMs: 10 * 60_000,
  });

function printTable(results: Record<string, unknown>) {
  const i = results.ingestion as Awaited<ReturnType<typeof ingestion>>;
  const row = (name: string, r: LoadResult) =>
    `| ${name} | ${fixed(r.perSecond, 0)} | ${fixed(r.p50)} | ${fixed(r.p95)} | ${fixed(r.p99)} | ${r.errors} |`;
  console.log(`\nIngestion (${i.connections} concurrent, ${settings.ingestSeconds} s each)`);
  console.log('| | per second | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|');
  console.log(row('API POST /webhooks/meetingbaas', i.api));
  i.raw.forEach((r, k) => console.log(row(`raw signalWithStart (run ${k + 1})`, r)));
  console.log(`API / raw: ${fixed(i.ratio, 2)}`);

  const e2eRows = results.endToEnd as EndToEndResult[];
  console.log('\nEnd to end');
  console.log(
    '| N | recording | meetings/min | ms/meeting | complete→completed p50 / p99 ms | lost | stuck | wrong | history events / bytes (max) | worker / API peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of e2eRows)
    console.log(
      `| ${r.meetings} | ${mb(r.recordingBytes)} | ${fixed(r.meetingsPerMinute)} | ${fixed(r.msPerMeeting, 0)} | ${fixed(r.completeToCompletedP50Ms, 0)} / ${fixed(r.completeToCompletedP99Ms, 0)} | ${r.lost} | ${r.stuck} | ${r.wrongArchive} | ${r.historyEventsMax} / ${r.historyBytesMax} | ${mb(r.workerPeakRss)} / ${mb(r.apiPeakRss)} |`,
    );
}

async function main() {
  const started = Date.now();
  const services = await startServices();
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
  let failed: boolean;
  try {
    results.ingestion = await ingestion(services);
    await services.restartServices();
    const endToEnd: EndToEndResult[] = [await e2e(services, settings.meetings)];
    for (const n of settings.growth) {
      await services.restartServices();
      endToEnd.push(await e2e(services, n));
    }
    if (settings.memory) {
      // Same few meetings with a 40x larger recording: a streamed download keeps the worker's peak flat.
      for (const bytes of [5 * 2 ** 20, 200 * 2 ** 20]) {
        await services.restartServices();
        endToEnd.push(await e2e(services, 3, bytes));
      }
    }
    results.endToEnd = endToEnd;
    failed = endToEnd.some((r) => r.lost || r.stuck || r.wrongArchive);
    for (const r of endToEnd) for (const p of r.problems) console.error(`problem: ${p}`);
  } finally {
    await services.stop();
  }
  results.seconds = (Date.now() - started) / 1000;
  printTable(results);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\n${quick ? 'quick ' : ''}run in ${fixed(results.seconds as number, 0)} s; results: ${file}`);
  if (failed) {
    console.error('FAILED: a meeting was lost, stuck or wrongly archived');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
