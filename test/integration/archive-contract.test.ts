// One contract for both archives: the directory (FileArchive) and object storage (S3Archive, against a real
// SeaweedFS, never a mock). What the activities and the API rely on holds for each.
import {
  DeleteBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { archiveFailure } from '../../activities/index';
import { failureWording } from '../../domain/failures';
import { freePort } from '../../dev/free-port';
import { startSeaweedFs, type SeaweedFs } from '../../dev/seaweedfs';
import {
  ArchiveStoreError,
  FileArchive,
  IncompleteStreamError,
  S3Archive,
  type Archive,
} from '../../platform/archive';

let seaweed: SeaweedFs;
let tmp: string;

beforeAll(async () => {
  seaweed = await startSeaweedFs();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-contract-'));
});
afterAll(async () => {
  await seaweed?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** One archive under test, and how to look behind its back. */
interface Subject {
  archive: Archive;
  /** The URI the archive should hand out for `key`. */
  uriOf(key: string): string;
  /** Whatever the store holds for `key` or on the way to it (files, partials, objects, multipart uploads). */
  leftovers(key: string): Promise<string[]>;
  /** Whether the store itself (the directory, the bucket) exists. */
  storeExists(): Promise<boolean>;
}

interface Implementation {
  make(): Subject;
  /** An archive that cannot be written, and the words its checkWritable error must carry. */
  unwritable(): Promise<{ archive: Archive; says: RegExp }>;
}

const directory: Implementation = {
  make() {
    const root = path.join(tmp, randomUUID(), 'archive');
    const archive = new FileArchive(root);
    return {
      archive,
      uriOf: (key) => pathToFileURL(path.join(root, ...key.split('/'))).href,
      leftovers(key) {
        const file = path.join(root, ...key.split('/'));
        const dir = path.dirname(file);
        const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        return Promise.resolve(names.filter((n) => n.includes(path.basename(file))));
      },
      storeExists: () => Promise.resolve(fs.existsSync(root)),
    };
  },
  async unwritable() {
    // A file where the directory should be.
    const file = path.join(tmp, `${randomUUID()}.file`);
    await fs.promises.writeFile(file, 'not a directory');
    return { archive: new FileArchive(path.join(file, 'archive')), says: /not writable.*ENOTDIR/ };
  },
};

const s3: Implementation = {
  make() {
    const bucket = `archive-${randomUUID().slice(0, 8)}`;
    const prefix = 'meetings/archive';
    const client = seaweed.client;
    return {
      archive: new S3Archive({ bucket, prefix }, client),
      uriOf: (key) => `s3://${bucket}/${prefix}/${key}`,
      async leftovers(key) {
        const Key = `${prefix}/${key}`;
        const objects = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: Key }));
        const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: Key }));
        return [
          ...(objects.Contents ?? []).map((o) => `object ${o.Key}`),
          ...(uploads.Uploads ?? []).map((u) => `upload ${u.Key}`),
        ];
      },
      storeExists: () =>
        client.send(new HeadBucketCommand({ Bucket: bucket })).then(
          () => true,
          () => false,
        ),
    };
  },
  async unwritable() {
    // Nothing listens there; one attempt, so the test does not wait for the SDK's retries.
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = new S3Client({ ...seaweed.clientConfig, endpoint, maxAttempts: 1 });
    return {
      archive: new S3Archive({ bucket: 'unreachable', prefix: '' }, client),
      says: /not writable.*archive unreachable \(S3Unreachable\)/,
    };
  },
};

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `total` bytes in 1 MiB chunks; then, with `failAfter`, an error instead of the rest. */
async function* recording(data: Buffer, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += 1024 * 1024) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('connection reset by the provider');
    yield data.subarray(at, at + 1024 * 1024);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each([
  ['directory', directory],
  ['s3', s3],
])('the %s archive', (_name, implementation) => {
  let subject: Subject;
  beforeEach(() => {
    subject = implementation.make();
  });

  test('putStream of a few MB: the right bytes and sha256, progress to the end, read back identical', async () => {
    // Over the 5 MiB part size: the S3 archive uploads it in parts.
    const data = randomBytes(7 * 1024 * 1024 + 123);
    let progress = 0;
    const ref = await subject.archive.putStream('meetingbaas/bot-1/recording.mp4', recording(data), {
      onProgress: (bytes) => (progress = bytes),
      expectedBytes: data.length,
    });
    expect(ref).toEqual({
      uri: subject.uriOf('meetingbaas/bot-1/recording.mp4'),
      bytes: data.length,
      sha256: sha256(data),
    });
    expect(progress).toBe(data.length);
    expect((await subject.archive.read(ref)).equals(data)).toBe(true);
  });

  test('putJson and read round-trip; the same bytes content-addressed are one object', async () => {
    const value = { event: 'complete', data: { bot_id: 'bot-1', note: 'héllo ✓' } };
    const ref = await subject.archive.putJson('webhooks/bot-1/complete.json', value);
    expect(ref.uri).toBe(subject.uriOf('webhooks/bot-1/complete.json'));
    expect(JSON.parse((await subject.archive.read(ref)).toString('utf8'))).toEqual(value);

    const body = Buffer.from(JSON.stringify(value));
    const first = await subject.archive.putContentAddressed('webhooks/bot-1', body, '.json');
    const second = await subject.archive.putContentAddressed('webhooks/bot-1', body, '.json');
    expect(second).toEqual(first);
    expect(first.uri).toBe(subject.uriOf(`webhooks/bot-1/${sha256(body)}.json`));
    expect((await subject.archive.read(first)).equals(body)).toBe(true);
  });

  test('a stream that fails midway: its own error, and nothing stored or left over', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const key = 'meetingbaas/bot-2/recording.mp4';
    await subject.archive.checkWritable();
    await expect(subject.archive.putStream(key, recording(data, 6 * 1024 * 1024))).rejects.toThrow(
      'connection reset by the provider',
    );
    expect(await subject.leftovers(key)).toEqual([]);
  });

  test('a stream shorter than expectedBytes: IncompleteStreamError, and nothing stored', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const key = 'meetingbaas/bot-3/recording.mp4';
    await subject.archive.checkWritable();
    await expect(
      subject.archive.putStream(key, recording(data), { expectedBytes: data.length + 1 }),
    ).rejects.toBeInstanceOf(IncompleteStreamError);
    expect(await subject.leftovers(key)).toEqual([]);
  });

  test('checkWritable creates the missing store (directory, bucket), then passes again', async () => {
    expect(await subject.storeExists()).toBe(false);
    await subject.archive.checkWritable();
    expect(await subject.storeExists()).toBe(true);
    await subject.archive.checkWritable();
  });

  test('checkWritable fails clearly on a store that cannot be written', async () => {
    const { archive, says } = await implementation.unwritable();
    await expect(archive.checkWritable()).rejects.toThrow(says);
  });

  test('read refuses a URI of another archive', async () => {
    for (const uri of ['s3://elsewhere/x.json', pathToFileURL(path.join(tmp, 'elsewhere.json')).href])
      await expect(subject.archive.read({ uri })).rejects.toThrow();
  });

  test('delete removes that object only, again without error; a URI of another archive is refused', async () => {
    const gone = await subject.archive.putJson('requests/meetingbaas/one.json', { n: 1 });
    const kept = await subject.archive.putJson('requests/meetingbaas/two.json', { n: 2 });
    await subject.archive.delete(gone);
    expect(await subject.archive.has('requests/meetingbaas/one.json')).toBe(false);
    await expect(subject.archive.read(gone)).rejects.toThrow();
    expect(JSON.parse((await subject.archive.read(kept)).toString('utf8'))).toEqual({ n: 2 });
    await subject.archive.delete(gone);
    for (const uri of ['s3://elsewhere/x.json', pathToFileURL(path.join(tmp, 'elsewhere.json')).href])
      await expect(subject.archive.delete({ uri })).rejects.toThrow(/not in this archive/);
  });
});

describe('the s3 archive only', () => {
  test('the object carries its sha256 as metadata (x-amz-meta-sha256)', async () => {
    const archive = new S3Archive({ bucket: `meta-${randomUUID().slice(0, 8)}`, prefix: '' }, seaweed.client);
    const data = randomBytes(300_000);
    const ref = await archive.putStream('k/recording.mp4', recording(data));
    expect(ref.uri).toBe(`s3://${archive.where.bucket}/k/recording.mp4`);
    const head = await seaweed.client.send(
      new HeadObjectCommand({ Bucket: archive.where.bucket, Key: 'k/recording.mp4' }),
    );
    expect(head.Metadata?.sha256).toBe(sha256(data));
    expect(head.ContentLength).toBe(data.length);
  });

  test('an unreachable store fails an activity as ArchiveUnavailable (retryable), worded for the UI', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = new S3Client({ ...seaweed.clientConfig, endpoint, maxAttempts: 1 });
    const archive = new S3Archive({ bucket: 'unreachable', prefix: '' }, client);
    const err = (await archive.putJson('a/b.json', {}).then(
      () => undefined,
      (e: unknown) => archiveFailure(e),
    )) as { type?: string; nonRetryable?: boolean; details?: unknown[] } | undefined;
    expect(err?.type).toBe('ArchiveUnavailable');
    expect(err?.nonRetryable).toBe(false);
    expect(err?.details).toEqual([{ s3: 'S3Unreachable' }]);
    expect(failureWording('ArchiveUnavailable', false, 'S3Unreachable')).toBe(
      'archive unreachable (S3Unreachable)',
    );
  });

  test('a bucket removed behind its back: NoSuchBucket (an ArchiveUnavailable), then created again', async () => {
    const bucket = `gone-${randomUUID().slice(0, 8)}`;
    const archive = new S3Archive({ bucket, prefix: 'p' }, seaweed.client);
    await archive.checkWritable();
    await seaweed.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    // A read (SeaweedFS creates a missing bucket on a write by its admin user, as -s3.autoCreateBucket says).
    const err = await archive.read({ uri: archive.uriOf('a/b.json') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArchiveStoreError);
    expect((err as ArchiveStoreError).code).toBe('NoSuchBucket');
    expect((err as Error).message).toMatch(/archive bucket missing \(NoSuchBucket\)/);
    expect(archiveFailure(err)).toMatchObject({
      type: 'ArchiveUnavailable',
      details: [{ s3: 'NoSuchBucket' }],
    });
    // The next write creates it again.
    const ref = await archive.putJson('a/b.json', { again: true });
    expect(JSON.parse((await archive.read(ref)).toString('utf8'))).toEqual({ again: true });
  });

  test('refused credentials are said so, not taken for a missing bucket', async () => {
    const client = new S3Client({
      ...seaweed.clientConfig,
      credentials: { accessKeyId: 'someone-else', secretAccessKey: 'wrong-secret-0123456789' },
      maxAttempts: 1,
    });
    const archive = new S3Archive({ bucket: `denied-${randomUUID().slice(0, 8)}`, prefix: '' }, client);
    await expect(archive.checkWritable()).rejects.toThrow(
      /not writable.*(credentials refused|access denied)/,
    );
  });
});
