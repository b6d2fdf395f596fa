// `npm start`: the Temporal dev server (unless TEMPORAL_ADDRESS names another Temporal), the worker and
// the API, with each one's logs prefixed by its name. A part that exits on its own is started again with
// backoff (scripts/supervisor.ts); Ctrl-C or SIGTERM stops them all, each with its shutdown grace.
// `npm start -- worker api` (or `npm run start:worker`, ...) starts only the parts named.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../platform/config';
import { devServerArgs } from '../platform/dev-server';
import { firstRunHint } from '../platform/first-run-hints';
import { DEV_SERVER_ADDRESS } from '../platform/temporal';
import { Supervisor, type PartSpec } from './supervisor';
import { findTemporalCli, HOW_TO_FIX } from './temporal-cli';

const PARTS = ['temporal', 'worker', 'api'] as const;
type Part = (typeof PARTS)[number];

const ROOT = path.resolve(__dirname, '..');
/**
 * Beyond a part's own shutdown grace, before the supervisor SIGKILLs it (more than the worker's own
 * SHUTDOWN_FORCE_MARGIN_MS, worker/worker.ts, after which it gives up by itself).
 */
const STOP_MARGIN_MS = 30_000;

function main(): void {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !PARTS.includes(a as Part));
  if (unknown.length) {
    console.error(`unknown part(s): ${unknown.join(', ')}; parts are ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const parts = new Set<Part>(asked.length ? (asked as Part[]) : PARTS);
  const config = loadConfigOrExit(path.join(ROOT, '.env'));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' };
  const specs: PartSpec[] = [];
  const tsPart = (name: Part, entry: string, stopTimeoutMs: number, color: number): PartSpec => ({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, entry)],
    cwd: ROOT,
    env,
    stopWave: 0,
    stopTimeoutMs,
    color,
  });

  if (config.TEMPORAL_ADDRESS) {
    if (asked.includes('temporal'))
      console.warn(`TEMPORAL_ADDRESS is set (${config.TEMPORAL_ADDRESS}): no dev server started`);
  } else {
    env.TEMPORAL_ADDRESS = DEV_SERVER_ADDRESS;
    if (parts.has('temporal')) {
      const cli = findTemporalCli();
      if (!cli) {
        console.error(`No Temporal CLI found.${HOW_TO_FIX}`);
        process.exit(1);
      }
      const dataDir = path.join(ROOT, '.data');
      fs.mkdirSync(dataDir, { recursive: true });
      const [ip, port] = DEV_SERVER_ADDRESS.split(':') as [string, string];
      const args = devServerArgs({
        ip,
        port: Number(port),
        uiPort: 8233,
        dbFile: path.join(dataDir, 'temporal.db'),
        // Encrypted payloads: the UI asks the API's codec endpoint to show them.
        ...(config.PAYLOAD_ENCRYPTION_KEYS
          ? { uiCodecEndpoint: `http://localhost:${config.PORT}/codec` }
          : {}),
      });
      // Stopped last: the worker reports the activities it finishes during its grace to it.
      specs.push({
        name: 'temporal',
        command: cli.path,
        args,
        cwd: ROOT,
        env: process.env,
        stopWave: 1,
        stopTimeoutMs: 15_000,
        color: 35,
      });
    }
  }
  if (parts.has('worker')) {
    const grace = config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000;
    specs.push(tsPart('worker', 'worker/main.ts', grace + STOP_MARGIN_MS, 36));
  }
  if (parts.has('api'))
    specs.push(tsPart('api', 'api/main.ts', config.API_SHUTDOWN_GRACE_SECONDS * 1000 + STOP_MARGIN_MS, 32));
  if (!specs.length) return;

  const hint = parts.has('api') ? firstRunHint(config) : undefined;
  if (hint) console.warn(`\n${hint}\n`);
  if (specs.some((s) => s.name === 'temporal')) {
    console.log(`Temporal dev server on ${DEV_SERVER_ADDRESS}, web UI on http://localhost:8233`);
  }
  process.stdout.on('error', () => {}); // a closed pipe (npm start | head) must not stop the parts
  const supervisor = new Supervisor(specs, { colors: process.stdout.isTTY && !process.env.NO_COLOR });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Repeated signals are handled by stop() (see there): listen to every one, never just once.
    process.on(signal, () => {
      void supervisor.stop(signal).then((clean) => process.exit(clean ? 0 : 1));
    });
  }
  supervisor.start();
}

main();
