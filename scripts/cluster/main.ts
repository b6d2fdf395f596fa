// `npm run cluster:test`: the production topology on this machine, under load, with failures. PostgreSQL
// with Temporal's schemas, two Temporal server nodes forming one cluster, SeaweedFS (S3), three workers, two
// APIs and the provider simulator, all on loopback; a few hundred meetings through both APIs while a worker
// (mid-download), a Temporal node and an API are SIGKILLed; then every meeting is checked. Exits 1 on any
// lost, stuck or wrongly archived meeting or a wrong listing. Everything it started is stopped at the end,
// on a failure and on Ctrl-C. `--meetings=`, `--concurrency=` change the load; `--keep-logs` keeps the
// processes' logs (always kept after a failure).
import { Client, Connection } from '@temporalio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import { findTemporalCli, HOW_TO_FIX } from '../temporal-cli';
import { runChaos } from './chaos';
import { runLoad, type LoadProgress } from './load';
import { startPostgres, type Postgres } from './postgres';
import { LogSink } from './processes';
import { startServices, CLUSTER_API_KEY, CLUSTER_READ_TOKEN, type Services } from './services';
import { printSummary, summarize, writeResults } from './summary';
import { NUM_HISTORY_SHARDS, startTemporalCluster, type TemporalCluster } from './temporal-cluster';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from './temporal-build';
import { verify } from './verify';

function option(name: string, fallback: number): number {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const log = (line: string) => console.log(`[cluster ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<number> {
  const meetings = option('meetings', 300);
  const concurrency = option('concurrency', 24);
  const keepLogs = process.argv.includes('--keep-logs');
  const cli = findTemporalCli();
  if (!cli) throw new Error(`No Temporal CLI.${HOW_TO_FIX}`);
  const tools = ensureTemporalServer(log);

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-cluster-'));
  const sink = new LogSink(path.join(runDir, 'logs'));
  let postgres: Postgres | undefined;
  let cluster: TemporalCluster | undefined;
  let seaweed: SeaweedFs | undefined;
  let services: Services | undefined;
  let connection: Connection | undefined;
  let ok = false;
  const cleanUp = async () => {
    log('stopping everything');
    await services?.stop();
    await cluster?.stop();
    await seaweed?.stop();
    await postgres?.stop();
    await sink.stopAll();
    // Last: the load may still be using it (after Ctrl-C).
    await connection?.close().catch(() => {});
    if (ok && !keepLogs) fs.rmSync(runDir, { recursive: true, force: true });
    else log(`logs kept in ${sink.dir}`);
  };
  let interrupted = false;
  // After Ctrl-C the load goes on against processes being stopped: its errors are expected then.
  process.on('uncaughtException', (err) => {
    if (interrupted) return;
    console.error(err);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  process.once('exit', () => sink.killAll());

  try {
    log(`Temporal server v${TEMPORAL_SERVER_VERSION}, logs in ${sink.dir}`);
    postgres = await startPostgres(sink);
    log(`PostgreSQL on 127.0.0.1:${postgres.port}`);
    cluster = await startTemporalCluster(tools, cli.path, postgres.port, runDir, sink);
    log(
      `Temporal cluster: ${cluster.nodes.map((n) => `${n.name} ${n.address}`).join(', ')} ` +
        `(${NUM_HISTORY_SHARDS} history shards, SQL visibility)`,
    );
    seaweed = await startSeaweedFs();
    log(`SeaweedFS S3 on ${seaweed.endpoint}`);
    connection = await Connection.connect({ address: cluster.nodes[0]!.address });
    const client = new Client({ connection, namespace: 'default' });
    const isPolling = async (pid: number) => {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'meetings' },
        taskQueueType: 1, // workflow tasks
      });
      return pollers.some((p) => p.identity?.startsWith(`${pid}@`));
    };
    services = await startServices({
      temporalAddresses: cluster.nodes.map((n) => n.address),
      seaweed,
      runDir,
      log: sink,
      workers: 3,
      apis: 2,
      isPolling,
    });
    log(
      `simulator ${services.simulatorUrl}; ${services.workers.map((w) => `${w.name} → ${w.temporalAddress}`).join(', ')}; ` +
        services.apis.map((a) => `${a.name} ${a.url} → ${a.temporalAddress}`).join(', '),
    );

    const progress: LoadProgress = { started: 0, finished: false, records: [], downloading: new Set() };
    const apis = services.apis;
    // The node the APIs' and workers' second half talk to; the driver's own client talks to the first.
    const victimNode = cluster.nodes[1]!;
    log(`load: ${meetings} meetings, ${concurrency} at a time, through ${apis.length} APIs`);
    const started = Date.now();
    const chaos = runChaos({
      client,
      progress,
      meetings,
      temporalNode: victimNode,
      workers: services.workers,
      api: apis[1]!,
      log,
    });
    chaos.catch(() => {}); // awaited below; a failure must not be unhandled meanwhile
    await runLoad(
      {
        meetings,
        concurrency,
        apiUrls: () => apis.map((a) => a.url!),
        simulatorUrl: services.simulatorUrl,
        apiKey: CLUSTER_API_KEY,
        client,
        recordingBytes: 256 * 1024,
        slowEvery: 10,
        slowBytes: 8 * 2 ** 20,
        slowBytesPerSecond: 2 ** 20,
        completionTimeoutMs: 10 * 60_000,
        retryWindowMs: 5 * 60_000,
      },
      progress,
    );
    const loadSeconds = (Date.now() - started) / 1000;
    const kills = await chaos;
    log(`load done in ${loadSeconds.toFixed(0)} s; checking every meeting`);
    const verdict = await verify(progress.records, seaweed.client, client, apis[0]!.url!, CLUSTER_READ_TOKEN);
    const summary = summarize(progress.records, kills, verdict, { meetings, concurrency, started });
    printSummary(summary);
    writeResults(summary);
    ok = summary.passed;
    return ok ? 0 : 1;
  } finally {
    if (!interrupted) await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
