// The service's own processes on the cluster: the provider simulator, three workers and two APIs, each a
// separate process started as in production (the prebuilt workflow bundle, settings from the environment),
// spread over the Temporal nodes' frontends, all archiving to one SeaweedFS over S3.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort, freePortForRestarts } from '../../dev/free-port';
import type { SeaweedFs } from '../../dev/seaweedfs';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { running, stopProcess, waitUntil, type LogSink } from './processes';

const ROOT = path.resolve(__dirname, '..', '..');
export const CLUSTER_API_KEY = 'cluster-meetingbaas-key';
export const CLUSTER_READ_TOKEN = 'cluster-read-token';
export const ARCHIVE_BUCKET = 'meetings';

/** A worker or an API: killed and started again with the same settings (the API on the same port). */
export interface ServiceProcess {
  name: string;
  /** The Temporal frontend it talks to. */
  temporalAddress: string;
  readonly process: ChildProcess;
  /** Only the API has one. */
  url?: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface Services {
  simulatorUrl: string;
  workers: ServiceProcess[];
  apis: ServiceProcess[];
  stop(): Promise<void>;
}

export interface ServiceOptions {
  temporalAddresses: string[];
  seaweed: SeaweedFs;
  runDir: string;
  log: LogSink;
  workers: number;
  apis: number;
  /** Whether the worker of this process id polls the task queue (its default identity is `<pid>@<host>`). */
  isPolling: (pid: number) => Promise<boolean>;
}

export async function startServices(o: ServiceOptions): Promise<Services> {
  const node = (name: string, entry: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    o.log.attach(name, child);
    return child;
  };

  const simPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simPort}`;
  const simulator = node('simulator', 'simulator/main.ts', {
    SIM_PORT: String(simPort),
    MEETINGBAAS_API_KEY: CLUSTER_API_KEY,
  });
  await waitUntil('the simulator', simulator, async () => (await fetch(`${simulatorUrl}/sim/requests`)).ok);

  const bundle = path.join(o.runDir, 'workflow-bundle.js');
  await buildWorkflowBundle(bundle);
  const credentials = await o.seaweed.client.config.credentials();
  const common: Record<string, string> = {
    WORKFLOW_BUNDLE_PATH: bundle,
    TEMPORAL_NAMESPACE: 'default',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    MEETINGBAAS_API_KEY: CLUSTER_API_KEY,
    MEETINGBAAS_API_URL: simulatorUrl,
    DOWNLOAD_ALLOWED_HOSTS: simulatorUrl,
    ARCHIVE_URL: `s3://${ARCHIVE_BUCKET}/cluster`,
    AWS_ENDPOINT_URL_S3: o.seaweed.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    API_TOKENS: `read:${CLUSTER_READ_TOKEN}`,
    // Results come back as soon as a meeting is final.
    MEETING_LINGER_SECONDS: '0',
    // Three workers on one machine: their metrics endpoints would clash.
    WORKER_METRICS_ADDRESS: 'off',
  };
  // Round robin over the frontends: a killed node takes only some clients' connections with it.
  const frontend = (i: number) => o.temporalAddresses[i % o.temporalAddresses.length]!;

  const service = (name: string, entry: string, temporalAddress: string, port?: number): ServiceProcess => {
    let child: ChildProcess | undefined;
    const url = port ? `http://127.0.0.1:${port}` : undefined;
    return {
      name,
      temporalAddress,
      url,
      get process() {
        return child!;
      },
      async start() {
        child = node(name, entry, {
          ...common,
          TEMPORAL_ADDRESS: temporalAddress,
          ...(port ? { PORT: String(port) } : {}),
        });
        if (url) await waitUntil(name, child, async () => (await fetch(`${url}/readyz`)).ok);
        else await waitUntil(name, child, () => o.isPolling(child!.pid!));
      },
      async kill() {
        if (child && running(child)) await stopProcess(child, 'SIGKILL', 0);
      },
      async stop() {
        if (child) await stopProcess(child, 'SIGTERM', 90_000);
      },
    };
  };

  const workers = Array.from({ length: o.workers }, (_, i) =>
    service(`worker-${i + 1}`, 'worker/main.ts', frontend(i)),
  );
  const apis: ServiceProcess[] = [];
  for (let i = 0; i < o.apis; i++) {
    apis.push(service(`api-${i + 1}`, 'api/main.ts', frontend(i), await freePortForRestarts()));
  }
  const stop = async () => {
    await Promise.all([...apis, ...workers].map((s) => s.stop()));
    await stopProcess(simulator, 'SIGTERM', 10_000);
  };
  try {
    await Promise.all([...workers, ...apis].map((s) => s.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { simulatorUrl, workers, apis, stop };
}
