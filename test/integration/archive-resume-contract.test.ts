// Resumable writes (platform/archive/resumable.ts), one contract for both archives: the directory and object
// storage (a real SeaweedFS). A write cut midway keeps what it stored, findable by its handle from another
// "process" (a new archive object); the rest appended makes the whole object with the whole sha256; nothing
// appears under the key before; partials do not pile up.
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import {
  FileArchive,
  IncompleteStreamError,
  RESUMABLE_PART_BYTES,
  S3Archive,
  type Archive,
  type ResumableArchive,
} from '../../platform/archive';

const MiB = 1024 * 1024;
let seaweed: SeaweedFs;
let tmp: string;

beforeAll(async () => {
  seaweed = await startSeaweedFs();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-resume-'));
});
afterAll(async () => {
  await seaweed?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Resumable = Archive & ResumableArchive;

interface Subject {
  /** A new archive object on the same store: what a new worker process would have. */
  open(): Resumable;
  /** What the store holds for `key` or on the way to it: `object`, `partial` (file or multipart upload). */
  leftovers(key: string): Promise<string[]>;
  /**
   * Of `received` bytes, how many a partial keeps at least: S3 the whole parts; the directory what reached
   * the file (a failing pipeline drops the chunks still buffered on the way).
   */
  keptAtLeast(received: number): number;
}

const implementations: [string, () => Subject][] = [
  [
    'directory',
    () => {
      const root = path.join(tmp, randomUUID());
      return {
        open: () => new FileArchive(root),
        leftovers(key) {
          const file = path.join(root, ...key.split('/'));
          const dir = path.dirname(file);
          const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
          return Promise.resolve(
            names
              .filter((n) => n.includes(path.basename(file)))
              .map((n) => (n.endsWith('.partial') ? 'partial' : 'object')),
          );
        },
        keptAtLeast: (received) => received - 2 * MiB,
      };
    },
  ],
  [
    's3',
    () => {
      const bucket = `resume-${randomUUID().slice(0, 8)}`;
      const prefix = 'archive';
      const client = seaweed.client;
      return {
        open: () => new S3Archive({ bucket, prefix }, client),
        async leftovers(key) {
          const Key = `${prefix}/${key}`;
          const objects = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: Key }));
          const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: Key }));
          return [
            ...(objects.Contents ?? []).filter((o) => o.Key === Key).map(() => 'object'),
            ...(uploads.Uploads ?? []).filter((u) => u.Key === Key).map(() => 'partial'),
          ];
        },
        keptAtLeast: (received) => Math.floor(received / RESUMABLE_PART_BYTES) * RESUMABLE_PART_BYTES,
      };
    },
  ],
];

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `data` in 1 MiB chunks; with `failAfter`, an error once that many bytes went. */
async function* chunks(data: Buffer, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += MiB) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('connection reset by the provider');
    yield data.subarray(at, at + MiB);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(implementations)('resumable writes in the %s archive', (_name, make) => {
  let subject: Subject;
  beforeEach(() => {
    subject = make();
  });

  test('cut at 12 of 16 MiB, continued by another archive object: the whole object, its sha256, no partial left', async () => {
    const data = randomBytes(16 * MiB + 123);
    const key = 'meetingbaas/bot-1/recording.mp4';
    const first = await subject.open().startPartial(key);
    expect(first.storedBytes).toBe(0);
    await expect(first.complete(chunks(data, 12 * MiB), { expectedBytes: data.length })).rejects.toThrow(
      'connection reset by the provider',
    );
    expect(await subject.leftovers(key)).toEqual(['partial']);

    const archive = subject.open();
    const found = await archive.findPartial(key, first.handle);
    expect(found?.handle).toBe(first.handle);
    const offset = found!.storedBytes;
    expect(offset).toBeGreaterThanOrEqual(subject.keptAtLeast(12 * MiB));
    expect(offset).toBeLessThanOrEqual(12 * MiB);
    let progress = 0;
    const ref = await found!.complete(chunks(data.subarray(offset)), {
      expectedBytes: data.length,
      onProgress: (bytes) => (progress = bytes),
    });
    expect(ref).toMatchObject({ bytes: data.length, sha256: sha256(data) });
    expect(progress).toBe(data.length);
    expect((await archive.read(ref)).equals(data)).toBe(true);
    expect(await subject.leftovers(key)).toEqual(['object']);
    expect(await archive.findPartial(key, first.handle)).toBeUndefined();
  });

  test('a partial ended short of expectedBytes is kept for the next attempt; nothing appears under the key', async () => {
    const data = randomBytes(6 * MiB);
    const key = 'meetingbaas/bot-2/recording.mp4';
    const archive = subject.open();
    const partial = await archive.startPartial(key);
    await expect(partial.complete(chunks(data), { expectedBytes: data.length + MiB })).rejects.toBeInstanceOf(
      IncompleteStreamError,
    );
    expect(await subject.leftovers(key)).toEqual(['partial']);
    const stored = (await archive.findPartial(key, partial.handle))?.storedBytes ?? -1;
    expect(stored).toBeGreaterThanOrEqual(subject.keptAtLeast(data.length));
    expect(stored).toBeLessThanOrEqual(data.length);
  });

  test('unknown, discarded and superseded partials are not found; a new write removes the old partials', async () => {
    const data = randomBytes(6 * MiB);
    const key = 'meetingbaas/bot-3/recording.mp4';
    const archive = subject.open();
    expect(await archive.findPartial(key, randomUUID())).toBeUndefined();
    expect(await archive.findPartial(key, 'not-a-handle')).toBeUndefined();

    const discarded = await archive.startPartial(key);
    await expect(discarded.complete(chunks(data, 5 * MiB))).rejects.toThrow();
    await discarded.discard();
    await discarded.discard();
    expect(await subject.leftovers(key)).toEqual([]);
    expect(await archive.findPartial(key, discarded.handle)).toBeUndefined();

    const dead = await archive.startPartial(key);
    await expect(dead.complete(chunks(data, 5 * MiB))).rejects.toThrow();
    const next = await subject.open().startPartial(key);
    expect(await subject.leftovers(key)).toEqual(['partial']);
    expect(await archive.findPartial(key, dead.handle)).toBeUndefined();
    const ref = await next.complete(chunks(data), { expectedBytes: data.length });
    expect(ref).toMatchObject({ bytes: data.length, sha256: sha256(data) });
    expect(await subject.leftovers(key)).toEqual(['object']);
  });
});
