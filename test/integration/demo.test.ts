import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '../../dev/eventually';
import { freePort } from '../../dev/free-port';

// `npm run demo` on a fresh clone, where no service runs: it starts everything itself, plays its meetings to
// where the report says, and with --keep leaves the service up until Ctrl-C. Run as a newcomer runs it.

const ROOT = path.resolve(__dirname, '../..');

test('the demo starts its own service, every meeting ends where it should, --keep keeps it up until SIGINT', async () => {
  // A port nobody listens on: the demo must not find (or use) a developer's running service.
  const unused = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--keep'], {
    cwd: ROOT,
    env: {
      ...process.env,
      API_URL: `http://127.0.0.1:${unused}`,
      SIMULATOR_URL: `http://127.0.0.1:${unused}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => resolve((exitCode = code))),
  );
  try {
    await eventually(
      () => Promise.resolve(out.includes('Everything keeps running') || exitCode !== undefined),
      (ready) => ready,
      150_000,
    );

    // The report: six meetings, each where its scenario says, none waiting.
    expect(out).toContain('starting one for the demo');
    expect(out.match(/^== /gm)).toHaveLength(6);
    expect(out).not.toContain('UNEXPECTED');
    expect(out.match(/^\S+:\S+ {2}completed/gm)).toHaveLength(5);
    expect(out).toMatch(/^meetingbaas:\S+ {2}failed \(bot_rejected\)/m);

    // What --keep prints works: the API answers with the printed token, the Temporal UI is up.
    const apiUrl = /API {10}(\S+)/.exec(out)?.[1];
    const token = /read token (\S+),/.exec(out)?.[1];
    const uiUrl = /Temporal UI {2}(\S+)\n/.exec(out)?.[1];
    expect(apiUrl && token && uiUrl).toBeTruthy();
    const listed = await eventually(
      async () => {
        const res = await fetch(`${apiUrl}/meetings?limit=10`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.ok ? ((await res.json()) as { items: unknown[] }).items.length : res.status;
      },
      (n) => n === 6,
    );
    expect(listed).toBe(6);
    expect((await fetch(uiUrl!)).status).toBe(200);

    // The console says one line per request from now on.
    await eventually(
      () => Promise.resolve(/GET \/meetings 200 \d+ms/.test(out)),
      (logged) => logged,
      10_000,
    );

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  } finally {
    child.kill('SIGKILL');
  }
}, 200_000);
