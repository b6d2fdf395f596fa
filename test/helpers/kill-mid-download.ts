// The acceptance check of resumable downloads (issue 15, item 2), shared by the directory and the S3 runs
// (test/integration/resume-after-kill*.test.ts): a 64 MB recording, the worker *process* SIGKILLed at about
// 60 % of the download (watched on the simulator's count of bytes served), a new worker started; the retry
// must fetch no more than the run's bound again and archive the simulator's exact bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { MeetingView } from '../../domain/view';
import { eventually, startWorker, temporalAddress, type Stack } from './stack';

const ROOT = path.resolve(__dirname, '../..');
export const SIZE = 64 * 1024 * 1024;
/** Fast enough for a short test, slow enough to stop the download at a chosen point. */
const BYTES_PER_SECOND = 12 * 1024 * 1024;
const KILL_AT = 0.6;

export interface KillCase {
  /** A stack without a worker; the worker process's environment naming the same archive. */
  setUp(): Promise<{ stack: Stack; env: Record<string, string> }>;
  /** Partials of the bot's recording left in the store. */
  partials(stack: Stack, botId: string): Promise<number>;
  /** The most the retry may fetch again, given what the killed attempt had been served. */
  bound(servedAtKill: number): number;
}

/** What the run measured (for the benchmark too). */
export interface KillOutcome {
  servedAtKill: number;
  refetched: number;
}

function spawnWorkerProcess(stack: Stack, archiveEnv: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DOWNLOAD_ALLOWED_HOSTS: stack.allowedHosts.join(','),
      MEETINGBAAS_API_URL: stack.sim.url,
      LOG_LEVEL: 'warn',
      WORKER_METRICS_ADDRESS: 'off',
      // The bundle jest's global setup built: no webpack run in the worker process.
      WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
      ...archiveEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Runs the check; everything it started is stopped before it returns (or throws). */
export async function killMidDownloadAndResume(killCase: KillCase): Promise<KillOutcome> {
  const { stack, env } = await killCase.setUp();
  let child: ChildProcess | undefined;
  let second: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    const meeting = stack.sim.meetingBaas.create({
      words: 50,
      recordingBytes: SIZE,
      bytesPerSecond: BYTES_PER_SECOND,
    });
    const served = () => stack.sim.meetingBaas.meetings.get(meeting.botId)!.bytesServed;

    const worker = spawnWorkerProcess(stack, env);
    child = worker;
    const deliveries = await stack.sim.meetingBaas.play(meeting.botId, { webhookUrl: stack.webhookUrl });
    expect(deliveries.every((d) => d.status === 200)).toBe(true);

    // Watched closely: the shared helper polls every 200 ms, 4 % of this download.
    const deadline = Date.now() + 90_000;
    while (served() < KILL_AT * SIZE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    const servedAtKill = served();
    expect(servedAtKill / SIZE).toBeGreaterThan(0.55);
    expect(servedAtKill / SIZE).toBeLessThan(0.75);
    expect(await killCase.partials(stack, meeting.botId)).toBe(1);

    second = await startWorker({
      taskQueue: stack.taskQueue,
      archive: stack.archive,
      allowedHosts: stack.allowedHosts,
      meetingBaas: stack.meetingBaas,
    });
    const done = await eventually(
      async () => (await (await stack.api(`/meetings/meetingbaas/${meeting.botId}`)).json()) as MeetingView,
      (v) => v.status === 'completed',
      90_000,
    );
    const refetched = served() - servedAtKill;
    expect(refetched).toBeGreaterThan(0);
    expect(refetched).toBeLessThanOrEqual(killCase.bound(servedAtKill));

    expect(done.recording).toMatchObject({
      status: 'archived',
      archive: { bytes: SIZE, sha256: meeting.sha256 },
    });
    const stored = await stack.archive.read(done.recording!.archive!);
    expect(stored.length).toBe(SIZE);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(meeting.sha256);
    expect(await killCase.partials(stack, meeting.botId)).toBe(0);
    return { servedAtKill, refetched };
  } finally {
    child?.kill('SIGKILL');
    await second?.stop();
    await stack.stop();
  }
}
