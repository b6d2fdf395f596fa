import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { pipeline } from 'node:stream';
import type { ArchiveRef } from '../../domain/archive-ref';
import type { ArchiveSource, PutOptions } from './archive';
import { hashFor, measuringStream, NOT_HASHED } from './measure';
import { taggedSource } from './source-errors';
import type { PartialWrite } from './resumable';

/**
 * The part size of resumable uploads: S3's minimum for every part but the last, so that a resumed download
 * refetches at most this much of what the dead attempt had already received.
 */
export const RESUMABLE_PART_BYTES = 5 * 1024 * 1024;
/** Parts uploading while the next one fills. */
const PARTS_IN_FLIGHT = 2;

/** What a partial write needs of its S3Archive. */
export interface S3PartialContext {
  client: S3Client;
  Bucket: string;
  Key: string;
  uri: string;
  /** Classifies a store error (s3-failure.ts). */
  failure(err: unknown, doing: string): unknown;
  /** Sets the sha256 on the completed object and verifies it (as putStream does). */
  seal(ref: ArchiveRef, etag: string | undefined): Promise<void>;
}

/**
 * A resumable write in object storage: a multipart upload kept open across attempts. Its finished parts are
 * what is stored; the next attempt finds them with ListParts (nothing but the UploadId is carried) and
 * continues at the next part. Incomplete uploads are invisible to readers and are aborted when the write
 * falls back or another write of the key starts; a bucket lifecycle rule (AbortIncompleteMultipartUpload)
 * takes the ones whose download was given up for good.
 */
export class S3PartialWrite implements PartialWrite {
  private constructor(
    private readonly ctx: S3PartialContext,
    readonly handle: string,
    private readonly parts: CompletedPart[],
  ) {}

  get storedBytes(): number {
    return this.parts.length * RESUMABLE_PART_BYTES;
  }

  /** A new multipart upload of the key; other uploads of the key (dead attempts) are aborted. */
  static async start(ctx: S3PartialContext): Promise<S3PartialWrite> {
    await abortOthers(ctx);
    const { Bucket, Key, client } = ctx;
    try {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
      if (!created.UploadId) throw new Error('the store gave no UploadId');
      return new S3PartialWrite(ctx, created.UploadId, []);
    } catch (err) {
      throw ctx.failure(err, `starting an upload of ${ctx.uri}`);
    }
  }

  /**
   * The upload `UploadId` names, with its finished parts (ListParts): the run of full parts from part 1 on;
   * a short last part (the stream's end, never completed) is uploaded again. Undefined when it is gone.
   */
  static async find(ctx: S3PartialContext, UploadId: string): Promise<S3PartialWrite | undefined> {
    const { Bucket, Key, client } = ctx;
    const found: { PartNumber: number; ETag?: string; Size?: number }[] = [];
    try {
      let marker: string | undefined;
      do {
        const page = await client.send(
          new ListPartsCommand({ Bucket, Key, UploadId, PartNumberMarker: marker }),
        );
        for (const p of page.Parts ?? [])
          if (p.PartNumber) found.push({ PartNumber: p.PartNumber, ETag: p.ETag, Size: p.Size });
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (err) {
      if (isNoSuchUpload(err)) return undefined;
      throw ctx.failure(err, `listing the parts of an upload of ${ctx.uri}`);
    }
    await abortOthers(ctx, UploadId);
    found.sort((a, b) => a.PartNumber - b.PartNumber);
    const parts: CompletedPart[] = [];
    for (const p of found) {
      if (p.PartNumber !== parts.length + 1 || p.Size !== RESUMABLE_PART_BYTES) break;
      parts.push({ PartNumber: p.PartNumber, ETag: p.ETag });
    }
    return new S3PartialWrite(ctx, UploadId, parts);
  }

  async complete(source: ArchiveSource, options: PutOptions = {}): Promise<ArchiveRef> {
    const { Bucket, Key, client, uri } = this.ctx;
    const UploadId = this.handle;
    const resumed = this.storedBytes > 0;
    // Errors of the source (a cut download) pass as they are: they say nothing about the archive.
    const tagged = taggedSource(source);
    // Counted from the stored prefix; hashed here only when there is none (else from the store, below).
    const hash = resumed ? NOT_HASHED : hashFor(options.expectedBytes);
    const measure = measuringStream(options, { bytes: this.storedBytes, hash });
    pipeline(tagged.chunks, measure.stream, () => {});

    const parts = [...this.parts];
    let next = parts.length + 1;
    const inFlight: Promise<void>[] = [];
    const upload = (body: Buffer, PartNumber: number) => {
      const sent = client
        .send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: body }))
        .then(({ ETag }) => void parts.push({ PartNumber, ETag }));
      sent.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      inFlight.push(sent);
    };
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const chunk of measure.stream as AsyncIterable<Buffer>) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        while (pendingBytes >= RESUMABLE_PART_BYTES) {
          const all = Buffer.concat(pending);
          pending = [all.subarray(RESUMABLE_PART_BYTES)];
          pendingBytes = all.length - RESUMABLE_PART_BYTES;
          if (inFlight.length >= PARTS_IN_FLIGHT) await inFlight.shift();
          upload(all.subarray(0, RESUMABLE_PART_BYTES), next++);
        }
      }
      // The last part (any size); an empty object still needs one.
      if (pendingBytes > 0 || next === 1) upload(Buffer.concat(pending), next++);
      await Promise.all(inFlight);
    } catch (err) {
      // The finished parts stay for the next attempt.
      measure.stream.destroy();
      measure.abandon();
      await Promise.allSettled(inFlight);
      if (tagged.isSourceError(err)) throw err;
      throw this.ctx.failure(err, `archiving ${uri}`);
    }

    let etag: string | undefined;
    try {
      parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
      const done = await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
      );
      etag = done.ETag;
    } catch (err) {
      measure.abandon();
      throw this.ctx.failure(err, `completing ${uri}`);
    }
    const ref = {
      uri,
      bytes: measure.bytes,
      sha256: resumed ? await this.hashStored() : await measure.digest(),
    };
    await this.ctx.seal(ref, etag);
    return ref;
  }

  async discard(): Promise<void> {
    const { Bucket, Key, client } = this.ctx;
    await client
      .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: this.handle }))
      .catch((err: unknown) => {
        if (!isNoSuchUpload(err)) throw this.ctx.failure(err, `aborting an upload of ${this.ctx.uri}`);
      });
  }

  /**
   * The whole object's sha256, read back from the store: the parts of an open upload cannot be read, so the
   * prefix an earlier attempt stored is hashed (with the rest) once the object is complete. Local traffic.
   */
  private async hashStored(): Promise<string> {
    const { Bucket, Key, client, uri } = this.ctx;
    const hash = hashFor(undefined);
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket, Key }));
      for await (const chunk of answer.Body as AsyncIterable<Uint8Array>) await hash.update(chunk);
      return await hash.digest();
    } catch (err) {
      hash.abandon();
      throw this.ctx.failure(err, `hashing ${uri}`);
    }
  }
}

/** Aborts the key's other open uploads (attempts that died), all but `keep`. */
async function abortOthers(ctx: S3PartialContext, keep?: string) {
  const { client, Bucket, Key, uri } = ctx;
  try {
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
    const stale = (open.Uploads ?? []).filter((u) => u.Key === Key && u.UploadId && u.UploadId !== keep);
    await Promise.all(
      stale.map((u) =>
        client
          .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: u.UploadId }))
          .catch((err: unknown) => {
            if (!isNoSuchUpload(err)) throw err;
          }),
      ),
    );
  } catch (err) {
    throw ctx.failure(err, `cleaning earlier uploads of ${uri}`);
  }
}

function isNoSuchUpload(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchUpload' || e?.$metadata?.httpStatusCode === 404;
}
