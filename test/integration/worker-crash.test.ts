// The worker process is SIGKILLed in the middle of a multi-megabyte recording download; a new worker must
// finish the meeting with exactly one correct archive file and no partial file left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { directoryArchive } from '../../dev/test-archive';
import type { MeetingView } from '../../domain/view';
import { eventually, startStack, startWorker, temporalAddress, type Stack } from '../helpers/stack';

const ROOT = path.resolve(__dirname, '../..');
let stack: Stack;
let child: ChildProcess | undefined;
let second: Awaited<ReturnType<typeof startWorker>> | undefined;

beforeAll(async () => {
  // Directory-only: the worker process gets ARCHIVE_DIR, and the test looks for partial files it left.
  stack = await startStack({ worker: false, archive: directoryArchive });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await second?.stop();
  await stack?.stop();
});

function spawnWorkerProcess(): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      ARCHIVE_DIR: stack.archiveDir,
      DOWNLOAD_ALLOWED_HOSTS: stack.allowedHosts.join(','),
      MEETINGBAAS_API_URL: stack.sim.url,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return proc;
}

const partials = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.partial')) : [];

test('SIGKILL mid-download: a new worker finishes with one correct file and no temp files', async () => {
  const size = 8 * 1024 * 1024;
  const meeting = stack.sim.meetingBaas.create({
    words: 50,
    recordingBytes: size,
    bytesPerSecond: 1024 * 1024,
  });
  const meetingDir = path.join(stack.archiveDir, 'meetingbaas', meeting.botId);

  child = spawnWorkerProcess();
  const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
  expect(deliveries.every((d) => d.status === 200)).toBe(true);

  // Wait until the download is well under way, then kill the worker without any chance to clean up.
  await eventually(
    () => Promise.resolve(partials(meetingDir).map((n) => fs.statSync(path.join(meetingDir, n)).size)),
    (sizes) => sizes.some((s) => s > 1024 * 1024),
    60_000,
  );
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  expect(partials(meetingDir)).toHaveLength(1);
  expect(fs.existsSync(path.join(meetingDir, 'recording.mp4'))).toBe(false);

  second = await startWorker({
    taskQueue: stack.taskQueue,
    archive: stack.archive,
    allowedHosts: stack.allowedHosts,
    meetingBaas: stack.meetingBaas,
  });
  const done = await eventually(
    async () => (await (await stack.api(`/meetings/meetingbaas/${meeting.botId}`)).json()) as MeetingView,
    (v) => v.status === 'completed',
    60_000,
  );
  expect(done.recording).toMatchObject({
    status: 'archived',
    archive: { bytes: size, sha256: meeting.sha256 },
  });
  expect(fs.readdirSync(meetingDir).sort()).toEqual(['recording.mp4', 'transcript.json']);
  expect(partials(meetingDir)).toEqual([]);
  const file = fs.readFileSync(path.join(meetingDir, 'recording.mp4'));
  expect(file.length).toBe(size);
  expect(createHash('sha256').update(file).digest('hex')).toBe(meeting.sha256);
}, 120_000);
