// Stopping and restarting the processes as an operator (or a deploy) does, from outside, with real
// processes: SIGTERM to a worker in the middle of a download (within its grace, and past it), SIGTERM to the
// API with a request in flight, an archive that cannot be written, and `npm start`'s supervisor restarting a
// killed worker and stopping everything on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { MeetingView } from '../../domain/view';
import { directoryArchive } from '../../dev/test-archive';
import { freePort } from '../helpers/dev-server';
import { API_KEY, eventually, startStack, startWorker, temporalAddress, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
let stack: Stack;
const running = new Set<ChildProcess>();
const tmpDirs: string[] = [];

beforeAll(async () => {
  // Directory-only: its worker processes get ARCHIVE_DIR, and the test reads the files they leave.
  stack = await startStack({ worker: false, archive: directoryArchive });
});
afterAll(async () => {
  for (const proc of running) proc.kill('SIGKILL');
  await stack?.stop();
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const tmpDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-test-'));
  tmpDirs.push(dir);
  return dir;
};

/** A directory that cannot be created, even by root: its parent is a regular file (mkdir: ENOTDIR). */
function unwritableArchiveDir(): { dir: string; repair: () => void } {
  const blocker = path.join(tmpDir(), 'blocker');
  fs.writeFileSync(blocker, 'a file where the archive directory should be');
  return {
    dir: path.join(blocker, 'archive'),
    repair: () => {
      fs.rmSync(blocker);
      fs.mkdirSync(blocker);
    },
  };
}

interface Proc {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

/** `node --import tsx <args>` in the repository with only the given environment, its output collected. */
function run(args: string[], env: Record<string, string | undefined>): Proc {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: Object.fromEntries(
      Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, LOG_FORMAT: 'json', ...env }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  proc.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      eventually(
        () => Promise.resolve(out.match(pattern) ?? undefined),
        (m) => m !== undefined,
        timeoutMs,
      ) as Promise<RegExpMatchArray>,
  };
}

/** The settings a worker or API process needs against the tests' dev server and the stack's simulator. */
const serviceEnv = (overrides: Record<string, string | undefined> = {}) => ({
  TEMPORAL_ADDRESS: temporalAddress(),
  TEMPORAL_TASK_QUEUE: stack.taskQueue,
  ARCHIVE_DIR: stack.archiveDir,
  DOWNLOAD_ALLOWED_HOSTS: stack.allowedHosts.join(','),
  MEETINGBAAS_API_URL: stack.sim.url,
  MEETINGBAAS_API_KEY: API_KEY,
  WORKER_METRICS_ADDRESS: 'off',
  // The bundle jest's global setup built: no webpack run in every worker process.
  WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
  ...overrides,
});

const partials = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.partial')) : [];
const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const downloads = (botId: string) => stack.sim.faults.requestsTo(`/recordings/${botId}.mp4`, 'GET').length;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const status = async (url: string) => (await fetch(url)).status;

/** A slow recording's download under way in a worker process; returns the meeting and its directory. */
async function downloadUnderWay(worker: Proc, recordingBytes: number) {
  const meeting = stack.sim.meetingBaas.create({ words: 50, recordingBytes, bytesPerSecond: 1024 * 1024 });
  const dir = path.join(stack.archiveDir, 'meetingbaas', meeting.botId);
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);
  await eventually(
    () => Promise.resolve(partials(dir).map((n) => fs.statSync(path.join(dir, n)).size)),
    (sizes) => sizes.some((s) => s > 1024 * 1024),
    60_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\nworker output:\n${worker.output()}`);
  });
  return { meeting, dir };
}

/** Another worker (in this process) finishes the meeting; its recording must be the simulator's bytes. */
async function finishedWithExactRecording(botId: string, sha256: string, bytes: number, dir: string) {
  const next = await startWorker({
    taskQueue: stack.taskQueue,
    archive: stack.archive,
    allowedHosts: stack.allowedHosts,
    meetingBaas: stack.meetingBaas,
  });
  try {
    const done = await eventually(
      async () => (await (await stack.api(`/meetings/meetingbaas/${botId}`)).json()) as MeetingView,
      (v) => v.status === 'completed',
      60_000,
    );
    expect(done.recording).toMatchObject({ status: 'archived', archive: { bytes, sha256 } });
  } finally {
    await next.stop();
  }
  expect(partials(dir)).toEqual([]);
  expect(sha256Of(path.join(dir, 'recording.mp4'))).toBe(sha256);
}

test('SIGTERM mid-download: the download finishes within the grace, then the worker exits 0', async () => {
  const worker = run(['worker/main.ts'], serviceEnv({ WORKER_SHUTDOWN_GRACE_SECONDS: '60' }));
  await worker.waitFor(/worker started/);
  const size = 6 * 1024 * 1024;
  const { meeting, dir } = await downloadUnderWay(worker, size);

  worker.proc.kill('SIGTERM');
  // A storm of signals changes nothing: the grace goes on.
  setTimeout(() => worker.proc.kill('SIGTERM'), 100);
  setTimeout(() => worker.proc.kill('SIGINT'), 200);
  expect(await worker.exited).toEqual({ code: 0, signal: null });
  expect(worker.output()).toMatch(/worker stopping/);
  expect(worker.output()).toMatch(/worker already stopping/);
  expect(worker.output()).toMatch(/worker stopped/);

  // Archived by the stopping worker, in one download, byte for byte.
  expect(fs.readdirSync(dir).filter((n) => n.startsWith('recording'))).toEqual(['recording.mp4']);
  expect(sha256Of(path.join(dir, 'recording.mp4'))).toBe(meeting.sha256);
  expect(downloads(meeting.botId)).toBe(1);
  await finishedWithExactRecording(meeting.botId, meeting.sha256, size, dir);
  expect(downloads(meeting.botId)).toBe(1);
}, 150_000);

test('SIGTERM mid-download past the grace: cancelled cleanly, the retry archives the exact bytes', async () => {
  const worker = run(['worker/main.ts'], serviceEnv({ WORKER_SHUTDOWN_GRACE_SECONDS: '1' }));
  await worker.waitFor(/worker started/);
  const size = 12 * 1024 * 1024;
  const { meeting, dir } = await downloadUnderWay(worker, size);

  const signalled = Date.now();
  worker.proc.kill('SIGTERM');
  expect(await worker.exited).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalled).toBeLessThan(10_000);
  // The cancelled attempt published nothing and kept its partial file for the retry to continue.
  expect(partials(dir)).toHaveLength(1);
  expect(fs.existsSync(path.join(dir, 'recording.mp4'))).toBe(false);
  const servedBefore = stack.sim.meetingBaas.meetings.get(meeting.botId)!.bytesServed;

  await finishedWithExactRecording(meeting.botId, meeting.sha256, size, dir);
  expect(downloads(meeting.botId)).toBe(2);
  // The retry asked for the rest only.
  expect(stack.sim.meetingBaas.meetings.get(meeting.botId)!.bytesServed - servedBefore).toBeLessThan(size);
}, 150_000);

/** POSTs `body` to the API, sending its second half only when `rest` is called; resolves with the answer. */
function slowPost(url: string, body: string, headers: Record<string, string>) {
  const half = Math.floor(body.length / 2);
  const req = http.request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      req.once('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.once('error', reject);
    },
  );
  req.write(body.slice(0, half));
  return { answer, rest: () => req.end(body.slice(half)) };
}

test('SIGTERM to the API: /readyz 503 at once, the request in flight completes, exit 0', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = run(['api/main.ts'], serviceEnv({ PORT: String(port), API_SHUTDOWN_GRACE_SECONDS: '30' }));
  await eventually(
    () => status(`${base}/readyz`),
    (s) => s === 200,
    60_000,
  );

  const botId = `shutdown-${randomUUID()}`;
  const webhook = JSON.stringify({
    event: 'bot.status_change',
    data: { bot_id: botId, status: { code: 'joining_call', created_at: new Date().toISOString() } },
  });
  const slow = slowPost(`${base}/webhooks/meetingbaas`, webhook, { 'x-meeting-baas-api-key': API_KEY });
  await new Promise((r) => setTimeout(r, 300)); // the API has the headers and half the body

  api.proc.kill('SIGTERM');
  await api.waitFor(/api stopping/, 10_000);
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ error: 'shutting_down' });
  expect(ready.headers.get('connection')).toBe('close');
  expect(alive(api.proc.pid!)).toBe(true);

  slow.rest();
  const answer = await slow.answer;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body)).toEqual({ workflowId: `meetingbaas:${botId}` });
  expect(answer.headers.connection).toBe('close');
  expect(await api.exited).toEqual({ code: 0, signal: null });
  // The event the API answered 200 for is in Temporal.
  const described = await stack.client.workflow.getHandle(`meetingbaas:${botId}`).describe();
  expect(described.workflowId).toBe(`meetingbaas:${botId}`);
  await expect(fetch(`${base}/healthz`)).rejects.toThrow();
}, 120_000);

test('an archive that cannot be written: /readyz 503 archive_unavailable, the worker refuses to start', async () => {
  const archive = unwritableArchiveDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api = run(['api/main.ts'], serviceEnv({ PORT: String(port), ARCHIVE_DIR: archive.dir }));
  const refused = await eventually(
    async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { error?: string; message?: string } };
    },
    (r) => r.status === 503,
    60_000,
  );
  expect(refused.body).toEqual({
    error: 'archive_unavailable',
    message: 'the archive is not writable (ENOTDIR)',
  });
  expect(await status(`${base}/healthz`)).toBe(200);

  const worker = run(['worker/main.ts'], serviceEnv({ ARCHIVE_DIR: archive.dir }));
  expect(await worker.exited).toEqual({ code: 1, signal: null });
  const fatal = worker
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .find((l) => l.level === 60);
  expect(fatal?.msg).toBe(`the archive ${archive.dir} is not writable: the worker does not start`);

  // Repaired: ready again without a restart, and no probe file left behind.
  archive.repair();
  await eventually(
    () => status(`${base}/readyz`),
    (s) => s === 200,
    30_000,
  );
  expect(fs.readdirSync(path.join(archive.dir, '.probes'))).toEqual([]);
  api.proc.kill('SIGTERM');
  expect(await api.exited).toEqual({ code: 0, signal: null });
}, 120_000);

test('npm start: a worker that fails or is killed is restarted with backoff; SIGTERM stops every part', async () => {
  const archive = unwritableArchiveDir();
  const port = await freePort();
  const metrics = `127.0.0.1:${await freePort()}`;
  const base = `http://127.0.0.1:${port}`;
  const supervisor = run(
    ['scripts/start.ts', 'worker', 'api'],
    serviceEnv({
      TEMPORAL_TASK_QUEUE: `${stack.taskQueue}-supervised`,
      PORT: String(port),
      ARCHIVE_DIR: archive.dir,
      WORKER_METRICS_ADDRESS: metrics,
      WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      API_SHUTDOWN_GRACE_SECONDS: '5',
    }),
  );
  const pids = (name: string) =>
    [...supervisor.output().matchAll(new RegExp(`\\b${name} started \\(pid (\\d+)\\)`, 'g'))].map((m) =>
      Number(m[1]),
    );
  const scrape = async () => (await fetch(`http://${metrics}/metrics`)).status;

  // The worker refuses to start while the archive cannot be written: restarted after 1 s, then 2 s...
  await supervisor.waitFor(/worker exited with code 1; restarting in 1 s/);
  await supervisor.waitFor(/worker exited with code 1; restarting in 2 s/);
  // ...while the API stays up, not ready.
  expect(await status(`${base}/healthz`)).toBe(200);
  expect(await status(`${base}/readyz`)).toBe(503);
  archive.repair();
  await eventually(scrape, (s) => s === 200, 60_000);
  await eventually(
    () => status(`${base}/readyz`),
    (s) => s === 200,
    30_000,
  );

  // kill -9 the worker: the API keeps answering, the supervisor says so and starts another worker.
  const [apiPid] = pids('api');
  const killed = pids('worker').at(-1)!;
  const workersStarted = () => (supervisor.output().match(/"msg":"worker started"/g) ?? []).length;
  const startedBeforeKill = workersStarted();
  process.kill(killed, 'SIGKILL');
  await supervisor.waitFor(/worker exited with signal SIGKILL; restarting in \d+ s/);
  expect(await status(`${base}/healthz`)).toBe(200);
  await eventually(
    () => Promise.resolve(pids('worker').at(-1)),
    (pid) => pid !== killed,
    60_000,
  );
  await eventually(scrape, (s) => s === 200, 60_000);
  // Started for real (connected, polling), so that stopping it takes its shutdown, not a few milliseconds.
  await eventually(
    () => Promise.resolve(workersStarted()),
    (n) => n > startedBeforeKill,
    60_000,
  );
  expect(pids('api')).toEqual([apiPid]);

  // SIGTERM: every part stops (each with its grace), the supervisor exits 0, nothing is left. The SIGINT and
  // SIGTERM right behind it (npm forwards the terminal's Ctrl-C, which the supervisor gets too) change nothing.
  const worker = pids('worker').at(-1)!;
  supervisor.proc.kill('SIGTERM');
  setTimeout(() => supervisor.proc.kill('SIGINT'), 20);
  setTimeout(() => supervisor.proc.kill('SIGTERM'), 40);
  expect(await supervisor.exited).toEqual({ code: 0, signal: null });
  expect(supervisor.output()).toMatch(/SIGTERM: stopping worker, api/);
  expect(supervisor.output()).toMatch(/SIGINT: already stopping/);
  expect(supervisor.output()).not.toMatch(/killing every part/);
  expect(supervisor.output()).toMatch(/worker exited with code 0/);
  expect(supervisor.output()).toMatch(/api exited with code 0/);
  for (const pid of [...pids('worker'), ...pids('api')]) expect(alive(pid)).toBe(false);
  expect(alive(worker)).toBe(false);
  await expect(fetch(`${base}/healthz`)).rejects.toThrow();
}, 180_000);
