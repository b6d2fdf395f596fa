// The benchmark's processes: the Temporal dev server, the simulator, the worker and the API, each its own
// child process (so each one's memory is its own), started on free ports and stopped together.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../dev/free-port';
import { devServerArgs } from '../platform/dev-server';
import { buildWorkflowBundle } from '../scripts/build-workflow-bundle';
import { findTemporalCli, HOW_TO_FIX } from '../scripts/temporal-cli';
import { dataConverterFor } from '../contract/data-converter';
import { parseEncryptionKeys } from '../contract/encryption-keys';

const ROOT = path.resolve(__dirname, '..');
export const BENCH_API_KEY = 'bench-meetingbaas-key';

/** A memory figure (in bytes) of a live process from /proc/<pid>/status: VmHWM is the peak, VmRSS now. */
function memoryBytes(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | undefined {
  if (!pid) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
export const peakRss = (pid: number | undefined) => memoryBytes(pid, 'VmHWM');
export const rss = (pid: number | undefined) => memoryBytes(pid, 'VmRSS');

/** CPU time (user + system, in seconds) a live process has used so far, from /proc. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after the command name (which may hold spaces); utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
// USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
const CLOCK_TICKS = 100;

export type CpuUser = 'temporal' | 'worker' | 'api' | 'simulator' | 'driver';

/** CPU seconds used so far by each process of the run (the driver is this process). */
export function cpuByProcess(services: Services): Record<CpuUser, number> {
  const { user, system } = process.cpuUsage();
  return {
    temporal: cpuSeconds(services.temporal.pid) ?? NaN,
    worker: cpuSeconds(services.worker.pid) ?? NaN,
    api: cpuSeconds(services.api.pid) ?? NaN,
    simulator: cpuSeconds(services.simulator.pid) ?? NaN,
    driver: (user + system) / 1e6,
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface Services {
  temporalAddress: string;
  apiUrl: string;
  simUrl: string;
  archiveDir: string;
  /** The worker's and the API's environment. */
  env: Record<string, string>;
  temporal: ChildProcess;
  simulator: ChildProcess;
  worker: ChildProcess;
  api: ChildProcess;
  /**
   * Restarts the worker and the API (fresh memory peaks) with the same settings, changed by `env` from then
   * on (a variable set to undefined is removed).
   */
  restartServices(env?: Record<string, string | undefined>): Promise<void>;
  stop(): Promise<void>;
}

/** Everything the benchmark measures, on free ports, with a fresh SQLite file and archive. */
export interface ServiceOptions {
  /** Write V8 CPU profiles of the worker and the API here (one per process, on exit). */
  profileDir?: string;
}

/** The data converter of a client of services with this environment (PAYLOAD_ENCRYPTION_KEYS). */
export const servicesDataConverter = (env: Record<string, string>) =>
  dataConverterFor(parseEncryptionKeys(env.PAYLOAD_ENCRYPTION_KEYS));

export async function startServices(options: ServiceOptions = {}): Promise<Services> {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`No Temporal CLI.${HOW_TO_FIX}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meeting-bench-'));
  const [temporalPort, simPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  const node = (entry: string, env: Record<string, string>, profile = false) =>
    start(
      process.execPath,
      [
        ...(profile && options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
        '--import',
        'tsx',
        path.join(ROOT, entry),
      ],
      env,
    );

  const stopAll = () => Promise.all([...children].reverse().map(stopChild));
  try {
    const temporal = start(
      cli.path,
      devServerArgs({
        ip: '127.0.0.1',
        port: temporalPort,
        dbFile: path.join(dir, 'temporal.db'),
        logLevel: 'error',
      }),
    );
    await waitFor('the Temporal dev server', () => portOpen(temporalPort));

    const simulator = node('simulator/main.ts', {
      SIM_PORT: String(simPort),
      MEETINGBAAS_API_KEY: BENCH_API_KEY,
    });
    const simUrl = `http://127.0.0.1:${simPort}`;
    await waitFor('the simulator', async () => (await fetch(`${simUrl}/sim/requests`)).ok);

    // As in production (npm run build): the worker loads a prebuilt bundle instead of running webpack, whose
    // memory would otherwise count in the worker's peak.
    const bundle = path.join(dir, 'workflow-bundle.js');
    await buildWorkflowBundle(bundle);
    const serviceEnv: Record<string, string> = {
      WORKFLOW_BUNDLE_PATH: bundle,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: 'meetings',
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      MEETINGBAAS_API_KEY: BENCH_API_KEY,
      MEETINGBAAS_API_URL: simUrl,
      DOWNLOAD_ALLOWED_HOSTS: `http://127.0.0.1:${simPort}`,
      ARCHIVE_DIR: path.join(dir, 'archive'),
      // Results come back as soon as a meeting is final.
      MEETING_LINGER_SECONDS: '0',
      // A second worker's metrics endpoint would clash with a running service's.
      WORKER_METRICS_ADDRESS: 'off',
    };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const services = {
      worker: node('worker/main.ts', serviceEnv, true),
      api: node('api/main.ts', serviceEnv, true),
    };
    const ready = () => waitFor('the API', async () => (await fetch(`${apiUrl}/readyz`)).ok);
    await ready();

    return {
      temporalAddress: `127.0.0.1:${temporalPort}`,
      apiUrl,
      simUrl,
      archiveDir: path.join(dir, 'archive'),
      env: serviceEnv,
      temporal,
      simulator,
      get worker() {
        return services.worker;
      },
      get api() {
        return services.api;
      },
      async restartServices(env: Record<string, string | undefined> = {}) {
        await Promise.all([stopChild(services.worker), stopChild(services.api)]);
        for (const [name, value] of Object.entries(env)) {
          if (value === undefined) delete serviceEnv[name];
          else serviceEnv[name] = value;
        }
        services.worker = node('worker/main.ts', serviceEnv, true);
        services.api = node('api/main.ts', serviceEnv, true);
        await ready();
      },
      async stop() {
        await stopAll();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}
