// One transfer of the archive benchmark (bench/archive.ts), in a process of its own so that its memory peak is
// its own: `<mode> <url> <target>` downloads `url` with undici's `request` (the HTTP client of the worker's
// downloads, activities/allowed-fetch.ts) and stores it, then prints one JSON line {ms, bytes, sha256?, peakRss}.
//   raw-file   fetch straight into the file `target`
//   raw-file-sha256, raw-file-fsync: the same with one of the archive's two extra costs (--archive-diagnose)
//   raw-file-fetch  the same with undici's `fetch` (the worker's client before; --archive-diagnose)
//   directory  the worker's own download activity (downloadToArchive) into a FileArchive at `target`
//   raw-s3     fetch straight into the SDK's Upload (lib-storage) to `target` = s3://<bucket>/<key>
//   s3         the worker's own download activity into an S3Archive at `target` = s3://<bucket>/<prefix>
// S3 endpoint and credentials come from the AWS SDK's own environment variables, as the service reads them.
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { fetch, request } from 'undici';
import { downloadToArchive } from '../activities/recording';
import type { ArchiveRef } from '../domain/archive-ref';
import { FileArchive, S3Archive, s3ClientConfigFromEnvironment, type Archive } from '../platform/archive';

export type TransferMode =
  'raw-file' | 'raw-file-sha256' | 'raw-file-fsync' | 'raw-file-fetch' | 'directory' | 'raw-s3' | 's3';

export interface TransferResult {
  ms: number;
  bytes: number;
  /** What the archive measured (archive modes only). */
  sha256?: string;
  /** The process's resident memory peak (VmHWM), bytes. */
  peakRss: number;
}

const KEY = 'meetingbaas/bench/recording.mp4';

function peakRss(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) * 1024;
}

function s3Target(target: string): { bucket: string; key: string } {
  const url = new URL(target);
  return { bucket: url.host, key: url.pathname.slice(1) };
}

async function fetchBody(url: string): Promise<Readable> {
  const res = await request(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
  return res.body;
}

/** The worker's download activity, run outside a worker (its heartbeats go nowhere). */
async function archiveWith(archive: Archive, url: string): Promise<ArchiveRef> {
  const allowedHosts = [`http://${new URL(url).host}`];
  const env = new MockActivityEnvironment(undefined, {
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  return env.run<[], ArchiveRef, () => Promise<ArchiveRef>>(() =>
    downloadToArchive({ archive, allowedHosts, key: KEY, url }),
  );
}

async function transfer(mode: TransferMode, url: string, target: string) {
  switch (mode) {
    case 'raw-file': {
      await pipeline(await fetchBody(url), fs.createWriteStream(target));
      return { bytes: fs.statSync(target).size };
    }
    case 'raw-file-sha256': {
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(await fetchBody(url), hashing, fs.createWriteStream(target));
      return { bytes: fs.statSync(target).size, sha256: hash.digest('hex') };
    }
    case 'raw-file-fetch': {
      const res = await fetch(url);
      if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`);
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        fs.createWriteStream(target),
      );
      return { bytes: fs.statSync(target).size };
    }
    case 'raw-file-fsync': {
      await pipeline(await fetchBody(url), fs.createWriteStream(target, { flush: true }));
      return { bytes: fs.statSync(target).size };
    }
    case 'raw-s3': {
      const client = new S3Client(s3ClientConfigFromEnvironment());
      const { bucket, key } = s3Target(target);
      const body = await fetchBody(url);
      let bytes = 0;
      body.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await new Upload({ client, params: { Bucket: bucket, Key: key, Body: body } }).done();
      client.destroy();
      return { bytes };
    }
    case 'directory':
      return archiveWith(new FileArchive(target), url);
    case 's3': {
      const client = new S3Client(s3ClientConfigFromEnvironment());
      const { bucket, key: prefix } = s3Target(target);
      const ref = await archiveWith(new S3Archive({ bucket, prefix }, client), url);
      client.destroy();
      return ref;
    }
  }
}

async function main() {
  const [mode, url, target] = process.argv.slice(2) as [TransferMode, string, string];
  const started = process.hrtime.bigint();
  const done = await transfer(mode, url, target);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result: TransferResult = { ms, peakRss: peakRss(), ...done };
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
