// A retried recording download against the simulator's storage, on both archives: the retry reads the last
// attempt's heartbeat, asks only for the rest (Range + If-Range) and archives the whole file with its sha256;
// it starts over, still correct, when the storage ignores Range, when the file changed, or when the partial
// is gone. Each attempt runs in the SDK's activity harness; the previous attempt's last heartbeat is handed
// to the next as Temporal would (info.heartbeatDetails).
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordingActivities } from '../../activities/recording';
import type { ArchiveRef } from '../../domain/archive-ref';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import { FileArchive, S3Archive, type Archive } from '../../platform/archive';
import { changeRecording } from '../../simulator/meetingbaas/recording-file';
import { Simulator } from '../../simulator/server';

const MiB = 1024 * 1024;
const SIZE = 16 * MiB;
let sim: Simulator;
let seaweed: SeaweedFs;
let tmp: string;

beforeAll(async () => {
  [sim, seaweed] = await Promise.all([new Simulator().start(), startSeaweedFs()]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'recording-resume-'));
});
afterAll(async () => {
  await sim?.stop();
  await seaweed?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Store {
  archive: Archive;
  /** Partials of the bot's recording left in the store (partial files, open multipart uploads). */
  partials(botId: string): Promise<number>;
  /** Removes them behind the archive's back (a lifecycle rule, an operator). */
  removePartials(botId: string): Promise<void>;
}

const stores: [string, () => Store][] = [
  [
    'directory',
    () => {
      const root = path.join(tmp, randomUUID());
      const dirOf = (botId: string) => path.join(root, 'meetingbaas', botId);
      const list = (botId: string) =>
        fs.existsSync(dirOf(botId)) ? fs.readdirSync(dirOf(botId)).filter((n) => n.endsWith('.partial')) : [];
      return {
        archive: new FileArchive(root),
        partials: (botId) => Promise.resolve(list(botId).length),
        removePartials: (botId) => {
          for (const n of list(botId)) fs.rmSync(path.join(dirOf(botId), n));
          return Promise.resolve();
        },
      };
    },
  ],
  [
    's3',
    () => {
      const Bucket = `resume-${randomUUID().slice(0, 8)}`;
      const archive = new S3Archive({ bucket: Bucket, prefix: '' }, seaweed.client);
      const uploads = async (botId: string) =>
        (
          await seaweed.client.send(
            new ListMultipartUploadsCommand({ Bucket, Prefix: `meetingbaas/${botId}/` }),
          )
        ).Uploads ?? [];
      return {
        archive,
        partials: async (botId) => (await uploads(botId)).length,
        async removePartials(botId) {
          const { AbortMultipartUploadCommand } = await import('@aws-sdk/client-s3');
          for (const u of await uploads(botId))
            await seaweed.client.send(
              new AbortMultipartUploadCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }),
            );
        },
      };
    },
  ],
];

describe.each(stores)('a retried download into the %s archive', (_name, make) => {
  let store: Store;
  beforeEach(() => {
    store = make();
  });

  /** One attempt of archiveRecording, given the last heartbeat of the attempt before; its own last one. */
  function attempt(botId: string, heartbeatDetails?: unknown) {
    const activities = recordingActivities({
      archive: store.archive,
      allowedHosts: [`http://${new URL(sim.url).host}`],
    });
    const env = new MockActivityEnvironment({ heartbeatDetails });
    let last: unknown = heartbeatDetails;
    env.on('heartbeat', (details: unknown) => (last = details));
    const outcome = env.run((input) => activities.archiveRecording(input), {
      provider: 'meetingbaas' as const,
      externalId: botId,
      url: sim.meetingBaas.recordingUrl(botId, 3600),
    });
    return { outcome, heartbeat: async () => (await outcome.catch(() => undefined), last) };
  }

  /** A meeting whose first download is cut halfway; the bytes it served by then. */
  async function cutFirstAttempt(scenario: object = {}) {
    const m = sim.meetingBaas.create({ recordingBytes: SIZE, cutDownloads: 1, ...scenario });
    const first = attempt(m.botId);
    // The cut connection (undici's SocketError `other side closed`): an error Temporal retries.
    await expect(first.outcome).rejects.toThrow(/other side closed|ShortDownload|stream ended/);
    expect(await store.partials(m.botId)).toBe(1);
    return { m, heartbeat: await first.heartbeat(), servedBefore: m.bytesServed };
  }

  test('the retry fetches only the rest, and archives the whole file with its sha256', async () => {
    const { m, heartbeat, servedBefore } = await cutFirstAttempt();
    expect(servedBefore).toBe(SIZE / 2);
    const ref = (await attempt(m.botId, heartbeat).outcome) as ArchiveRef;
    expect(ref).toMatchObject({ bytes: SIZE, sha256: m.sha256 });
    // The directory keeps what it received; S3 whole 5 MiB parts (one of the 8 MiB).
    const refetched = m.bytesServed - servedBefore;
    expect(refetched).toBeLessThanOrEqual(SIZE - 5 * MiB);
    expect(refetched).toBeLessThan(SIZE);
    expect(await store.partials(m.botId)).toBe(0);
    expect(sim.faults.requestsTo(`/recordings/${m.botId}`)).toHaveLength(2);
  });

  test('storage that ignores Range: the retry downloads the whole file again, correct, no partial left', async () => {
    const { m, heartbeat, servedBefore } = await cutFirstAttempt({ ignoreRange: true });
    const ref = await attempt(m.botId, heartbeat).outcome;
    expect(ref).toMatchObject({ bytes: SIZE, sha256: m.sha256 });
    expect(m.bytesServed - servedBefore).toBe(SIZE);
    expect(await store.partials(m.botId)).toBe(0);
  });

  test('a file changed between the attempts (If-Range): the new file, downloaded whole', async () => {
    const { m, heartbeat, servedBefore } = await cutFirstAttempt();
    const before = m.sha256;
    changeRecording(m);
    expect(m.sha256).not.toBe(before);
    const ref = await attempt(m.botId, heartbeat).outcome;
    expect(ref).toMatchObject({ bytes: SIZE, sha256: m.sha256 });
    expect(m.bytesServed - servedBefore).toBe(SIZE);
    expect(await store.partials(m.botId)).toBe(0);
  });

  test('a file changed, storage ignoring If-Range: the other ETag is noticed, the new file downloaded whole', async () => {
    const { m, heartbeat } = await cutFirstAttempt({ ignoreIfRange: true });
    changeRecording(m);
    const ref = await attempt(m.botId, heartbeat).outcome;
    expect(ref).toMatchObject({ bytes: SIZE, sha256: m.sha256 });
    // The cut download, the range answered with the new file's bytes (dropped), the whole new file.
    expect(sim.faults.requestsTo(`/recordings/${m.botId}`)).toHaveLength(3);
    expect(await store.partials(m.botId)).toBe(0);
  });

  test('the partial gone (removed behind its back): a full download, correct', async () => {
    const { m, heartbeat, servedBefore } = await cutFirstAttempt();
    await store.removePartials(m.botId);
    const ref = await attempt(m.botId, heartbeat).outcome;
    expect(ref).toMatchObject({ bytes: SIZE, sha256: m.sha256 });
    expect(m.bytesServed - servedBefore).toBe(SIZE);
    expect(await store.partials(m.botId)).toBe(0);
  });

  test.each([
    ['a worker shutdown keeps the partial for the retry', 'WORKER_SHUTDOWN' as const, 1],
    ['a cancellation by the workflow removes it (no retry comes)', 'CANCELLED' as const, 0],
  ])('cancelled mid-download: %s', async (_what, reason, partialsLeft) => {
    const m = sim.meetingBaas.create({ recordingBytes: SIZE, bytesPerSecond: 16 * MiB });
    const env = new MockActivityEnvironment();
    const activities = recordingActivities({
      archive: store.archive,
      allowedHosts: [`http://${new URL(sim.url).host}`],
    });
    const run = env.run((input) => activities.archiveRecording(input), {
      provider: 'meetingbaas' as const,
      externalId: m.botId,
      url: sim.meetingBaas.recordingUrl(m.botId, 3600),
    });
    while (m.bytesServed < SIZE / 2) await new Promise((r) => setTimeout(r, 10));
    env.cancel(reason);
    await expect(run).rejects.toThrow();
    expect(await store.partials(m.botId)).toBe(partialsLeft);
  });

  test('heartbeat details that are not a download progress are ignored: a full download', async () => {
    const m = sim.meetingBaas.create({ recordingBytes: MiB });
    const ref = await attempt(m.botId, { partial: { handle: '../../etc' } }).outcome;
    expect(ref).toMatchObject({ bytes: MiB, sha256: m.sha256 });
  });
});
