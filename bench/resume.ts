// Resumable downloads (issue 15, item 2): what an interrupted download costs when the retry resumes, against
// one that was never interrupted and one whose retry starts from byte 0 (as before resuming existed). The
// simulator serves a recording at a fixed provider bandwidth; the first attempt is stopped at a fraction of
// it as a worker shutdown stops it (its partial kept), the second gets the first's last heartbeat, as Temporal
// hands it over. Runs archiveRecording itself (the SDK's activity harness), on the directory archive and on
// S3 (a SeaweedFS of its own). Time between attempts (heartbeat timeout, retry backoff) is Temporal's and is
// left out. `npm run bench -- --only=resume` runs it (so does `node --import tsx bench/resume.ts`).
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordingActivities } from '../activities/recording';
import { startSeaweedFs } from '../dev/seaweedfs';
import type { ArchiveRef } from '../domain/archive-ref';
import { FileArchive, S3Archive, type Archive } from '../platform/archive';
import { Simulator } from '../simulator/server';

export interface ResumeOptions {
  /** Recording sizes in bytes (default 64 MiB and 256 MiB). */
  sizes?: number[];
  /** The provider's bandwidth (default 64 MiB/s): what makes refetching cost time. */
  bytesPerSecond?: number;
  /** Where the first attempt stops (default 0.6). */
  stopAt?: number;
  archives?: Array<'directory' | 's3'>;
}

export interface ResumeRow {
  archive: 'directory' | 's3';
  bytes: number;
  /** One attempt, never interrupted. */
  uninterruptedSeconds: number;
  /** What the first attempt had been served when stopped. */
  servedBeforeStop: number;
  /** The resuming retry: bytes it fetched from the provider, and its time. */
  resumedRefetchedBytes: number;
  resumedSeconds: number;
  /** A retry from byte 0 (no heartbeat to resume from): bytes and time. */
  restartRefetchedBytes: number;
  restartSeconds: number;
  /** Every archived copy had the simulator's sha256. */
  correct: boolean;
}

const MiB = 1024 * 1024;

export async function runResume(options: ResumeOptions = {}): Promise<ResumeRow[]> {
  const sizes = options.sizes ?? [64 * MiB, 256 * MiB];
  const bytesPerSecond = options.bytesPerSecond ?? 64 * MiB;
  const stopAt = options.stopAt ?? 0.6;
  const kinds = options.archives ?? ['directory', 's3'];
  const sim = await new Simulator().start();
  const seaweed = kinds.includes('s3') ? await startSeaweedFs() : undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-resume-'));
  const allowedHosts = [`http://${new URL(sim.url).host}`];
  const rows: ResumeRow[] = [];
  try {
    for (const kind of kinds) {
      const archive: Archive =
        kind === 's3'
          ? new S3Archive({ bucket: `bench-resume-${randomUUID().slice(0, 8)}`, prefix: '' }, seaweed!.client)
          : new FileArchive(path.join(tmp, randomUUID()));
      const activities = recordingActivities({ archive, allowedHosts });

      /** One attempt; with `stopAtBytes`, stopped (worker shutdown) once the simulator served that much. */
      async function attempt(botId: string, heartbeatDetails?: unknown, stopAtBytes?: number) {
        const env = new MockActivityEnvironment({ heartbeatDetails });
        let last: unknown = heartbeatDetails;
        env.on('heartbeat', (d: unknown) => (last = d));
        const started = performance.now();
        const run = env.run((input) => activities.archiveRecording(input), {
          provider: 'meetingbaas' as const,
          externalId: botId,
          url: sim.meetingBaas.recordingUrl(botId, 3600),
        });
        let stopped = false;
        if (stopAtBytes !== undefined) {
          const m = sim.meetingBaas.meetings.get(botId)!;
          void (async () => {
            while (m.bytesServed < stopAtBytes) await new Promise((r) => setTimeout(r, 2));
            stopped = true;
            env.cancel('WORKER_SHUTDOWN');
          })();
        }
        const ref = (await run.catch((err: unknown) => {
          if (!stopped) throw err;
          return undefined;
        })) as ArchiveRef | undefined;
        return { ref, heartbeat: last, seconds: (performance.now() - started) / 1000 };
      }

      for (const bytes of sizes) {
        const create = () => sim.meetingBaas.create({ recordingBytes: bytes, bytesPerSecond });
        const whole = create();
        const full = await attempt(whole.botId);

        const resumed = create();
        const first = await attempt(resumed.botId, undefined, stopAt * bytes);
        const servedBeforeStop = sim.meetingBaas.meetings.get(resumed.botId)!.bytesServed;
        const second = await attempt(resumed.botId, first.heartbeat);
        const resumedRefetched = sim.meetingBaas.meetings.get(resumed.botId)!.bytesServed - servedBeforeStop;

        const restarted = create();
        await attempt(restarted.botId, undefined, stopAt * bytes);
        const restartServedBefore = sim.meetingBaas.meetings.get(restarted.botId)!.bytesServed;
        const fromZero = await attempt(restarted.botId);
        const restartRefetched =
          sim.meetingBaas.meetings.get(restarted.botId)!.bytesServed - restartServedBefore;

        rows.push({
          archive: kind,
          bytes,
          uninterruptedSeconds: full.seconds,
          servedBeforeStop,
          resumedRefetchedBytes: resumedRefetched,
          resumedSeconds: second.seconds,
          restartRefetchedBytes: restartRefetched,
          restartSeconds: fromZero.seconds,
          correct:
            full.ref?.sha256 === whole.sha256 &&
            second.ref?.sha256 === resumed.sha256 &&
            fromZero.ref?.sha256 === restarted.sha256,
        });
      }
    }
  } finally {
    await sim.stop();
    await seaweed?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

/** The rows as a Markdown table, for BENCHMARKS.md. */
export function resumeTable(rows: ResumeRow[]): string {
  const mb = (n: number) => (n / MiB).toFixed(1);
  const s = (n: number) => n.toFixed(2);
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  return [
    '| archive | size MiB | uninterrupted s | stopped at | resumed retry: fetched again | resumed retry s | retry from 0: fetched again | retry from 0 s | sha256 |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.archive} | ${mb(r.bytes)} | ${s(r.uninterruptedSeconds)} | ${pct(r.servedBeforeStop, r.bytes)} | ` +
        `${mb(r.resumedRefetchedBytes)} MiB (${pct(r.resumedRefetchedBytes, r.bytes)}) | ${s(r.resumedSeconds)} | ` +
        `${mb(r.restartRefetchedBytes)} MiB (${pct(r.restartRefetchedBytes, r.bytes)}) | ${s(r.restartSeconds)} | ` +
        `${r.correct ? 'ok' : 'WRONG'} |`,
    ),
  ].join('\n');
}

if (require.main === module) {
  runResume().then(
    (rows) => console.log(resumeTable(rows)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
