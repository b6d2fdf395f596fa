// `npm start`: the Temporal dev server (unless TEMPORAL_ADDRESS names another Temporal), the worker and
// the API, with each one's logs prefixed by its name, all stopped together on Ctrl-C or SIGTERM.
// `npm start -- worker api` (or `npm run start:worker`, ...) starts only the parts named.
import concurrently, { type ConcurrentlyCommandInput } from 'concurrently';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../platform/config';
import { devServerArgs } from '../platform/dev-server';
import { DEV_SERVER_ADDRESS } from '../platform/temporal';
import { findTemporalCli, HOW_TO_FIX } from './temporal-cli';

const PARTS = ['temporal', 'worker', 'api'] as const;
type Part = (typeof PARTS)[number];

const ROOT = path.resolve(__dirname, '..');
// concurrently runs each command through a shell (and strips quotes around a whole command): quote only
// the words that need it.
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const tsProcess = (entry: string) =>
  `${quote(process.execPath)} --import tsx ${quote(path.join(ROOT, entry))}`;

function main(): void {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !PARTS.includes(a as Part));
  if (unknown.length) {
    console.error(`unknown part(s): ${unknown.join(', ')}; parts are ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const parts = new Set<Part>(asked.length ? (asked as Part[]) : PARTS);
  const config = loadConfigOrExit(path.join(ROOT, '.env'));
  const env: Record<string, string> = { LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty' };
  const commands: ConcurrentlyCommandInput[] = [];

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
      });
      commands.push({ name: 'temporal', command: [cli.path, ...args].map(quote).join(' ') });
    }
  }
  if (parts.has('worker')) commands.push({ name: 'worker', command: tsProcess('worker/main.ts'), env });
  if (parts.has('api')) commands.push({ name: 'api', command: tsProcess('api/main.ts'), env });
  if (!commands.length) return;

  if (commands.some((c) => typeof c !== 'string' && c.name === 'temporal')) {
    console.log(`Temporal dev server on ${DEV_SERVER_ADDRESS}, web UI on http://localhost:8233`);
  }
  const { result } = concurrently(commands, {
    prefix: 'name',
    prefixColors: ['magenta', 'cyan', 'green'],
    // One part gone means the service is not whole: stop the others (and never orphan the server).
    killOthersOn: ['failure', 'success'],
    killSignal: 'SIGTERM',
    cwd: ROOT,
  });
  result.then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

main();
