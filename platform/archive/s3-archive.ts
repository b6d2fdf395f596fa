import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  AbortMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import type { ArchiveRef } from '../../domain/archive-ref';
import { keySegments, type Archive, type ArchiveSource, type PutOptions, type ServedCopy } from './archive';
import { measuringStream } from './measure';
import { taggedSource } from './source-errors';
import type { PartialWrite, ResumableArchive } from './resumable';
import { S3PartialWrite, type S3PartialContext } from './s3-partial';
import { ArchiveStoreError, s3Failure } from './s3-failure';

/** Where in object storage the archive is: `s3://<bucket>/<prefix>` (the prefix may be empty). */
export interface S3Location {
  bucket: string;
  /** `/`-separated, without a leading or trailing `/`. */
  prefix: string;
}

/** The user metadata that carries an object's sha256 (`x-amz-meta-sha256`). */
const SHA256_METADATA = 'sha256';
/** CopyObject's limit: a larger object keeps no sha256 metadata (a multipart copy would be needed). */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
/** Where checkWritable writes its probes (hidden: archive keys start with a letter or digit). */
const PROBE_PREFIX = '.probes';

/**
 * The SDK's client as the environment configures it: endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL),
 * region and credentials come from the SDK's own chain; with an endpoint (SeaweedFS, MinIO...) path-style
 * addressing, as such servers rarely have a DNS name per bucket.
 */
export function s3ClientConfigFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  return { forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL) };
}

/**
 * The archive in an S3-compatible object store, referenced by `s3://<bucket>/<key>` URIs. Streams go up as
 * multipart uploads, so an object appears only once complete and a failed upload is aborted (nothing left);
 * the sha256 measured on the way is then set on the object as metadata and read back to verify.
 */
export class S3Archive implements Archive, ResumableArchive {
  private bucketReady: Promise<void> | undefined;

  constructor(
    readonly where: S3Location,
    private readonly client: S3Client,
  ) {}

  get location(): string {
    return `s3://${this.where.bucket}${this.where.prefix ? `/${this.where.prefix}` : ''}`;
  }

  /** The object key of an archive key: under the prefix. */
  objectKey(key: string): string {
    const segments = keySegments(key);
    return [...(this.where.prefix ? [this.where.prefix] : []), ...segments].join('/');
  }

  uriOf(key: string): string {
    return `s3://${this.where.bucket}/${this.objectKey(key)}`;
  }

  async putStream(key: string, source: ArchiveSource, options: PutOptions = {}): Promise<ArchiveRef> {
    const Key = this.objectKey(key);
    const uri = this.uriOf(key);
    await this.ensureBucket();
    // Errors of the source (a cut download) pass as they are: they say nothing about the archive.
    const tagged = taggedSource(source);
    const measure = measuringStream(options);
    pipeline(tagged.chunks, measure.stream, () => {});
    let etag: string | undefined;
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.where.bucket, Key, Body: measure.stream },
        leavePartsOnError: false,
      });
      etag = (await upload.done()).ETag;
    } catch (err) {
      measure.stream.destroy();
      measure.abandon();
      if (tagged.isSourceError(err)) throw err;
      throw this.failure(err, `archiving ${uri}`);
    }
    const ref = { uri, bytes: measure.bytes, sha256: await measure.digest() };
    await this.seal(Key, ref, etag);
    return ref;
  }

  async putBytes(key: string, data: Uint8Array | string): Promise<ArchiveRef> {
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    const Key = this.objectKey(key);
    const ref = { uri: this.uriOf(key), bytes: body.byteLength, sha256: sha256Of(body) };
    await this.ensureBucket();
    try {
      // Known bytes: one PutObject, complete or not at all, with its sha256 from the start.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.where.bucket,
          Key,
          Body: body,
          ContentLength: body.byteLength,
          Metadata: { [SHA256_METADATA]: ref.sha256 },
        }),
      );
    } catch (err) {
      throw this.failure(err, `archiving ${ref.uri}`);
    }
    return ref;
  }

  async putJson(key: string, value: unknown): Promise<ArchiveRef> {
    return this.putBytes(key, JSON.stringify(value));
  }

  async putContentAddressed(prefix: string, data: Uint8Array, ext: string): Promise<ArchiveRef> {
    const key = `${prefix}/${sha256Of(data)}${ext}`;
    await this.ensureBucket();
    const stored = await this.client
      .send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }))
      .catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw this.failure(err, `looking for ${this.uriOf(key)}`);
      });
    if (stored?.ContentLength === data.byteLength)
      return { uri: this.uriOf(key), bytes: data.byteLength, sha256: sha256Of(data) };
    return this.putBytes(key, data);
  }

  async read(ref: Pick<ArchiveRef, 'uri'>): Promise<Buffer> {
    const Key = this.keyOf(ref.uri);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key }));
      if (!answer.Body) throw new Error(`no body for ${ref.uri}`);
      return Buffer.from(await answer.Body.transformToByteArray());
    } catch (err) {
      throw this.failure(err, `reading ${ref.uri}`);
    }
  }

  /**
   * Readiness: the bucket exists (created when missing) and a probe object under `<prefix>/.probes/` can be
   * written and removed. Throws an error naming the archive and the cause.
   */
  async checkWritable(): Promise<void> {
    const Key = [this.where.prefix, PROBE_PREFIX, `${process.pid}-${randomUUID()}`].filter(Boolean).join('/');
    try {
      await this.ensureBucket();
      await this.client.send(new PutObjectCommand({ Bucket: this.where.bucket, Key, Body: 'probe' }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key }));
    } catch (err) {
      const failure = this.failure(err, 'writing a probe');
      const why = failure instanceof Error ? failure.message : String(failure);
      // The cause is the classified failure (which wraps err): /readyz shows its code (NoSuchBucket...).
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`the archive ${this.location} is not writable: ${why}`, { cause: failure });
    }
  }

  /** A resumable write of `key` (s3-partial.ts): a new multipart upload, the key's dead ones aborted. */
  async startPartial(key: string): Promise<PartialWrite> {
    await this.ensureBucket();
    return S3PartialWrite.start(this.partialContext(key));
  }

  /** The open multipart upload `handle` (an UploadId) names, with its finished parts, if still there. */
  async findPartial(key: string, handle: string): Promise<PartialWrite | undefined> {
    await this.ensureBucket();
    return S3PartialWrite.find(this.partialContext(key), handle);
  }

  private partialContext(key: string): S3PartialContext {
    const Key = this.objectKey(key);
    return {
      client: this.client,
      Bucket: this.where.bucket,
      Key,
      uri: this.uriOf(key),
      failure: (err, doing) => this.failure(err, doing),
      seal: (ref, etag) => this.seal(Key, ref, etag),
    };
  }

  /**
   * The hash is known only at the end, after the multipart upload was created: a server-side copy onto
   * itself (of exactly the object uploaded: CopySourceIfMatch) sets it as metadata. Until then (and if the
   * copy fails: the attempt fails and is retried) the complete object is there without it.
   */
  private async seal(Key: string, ref: ArchiveRef, etag: string | undefined): Promise<void> {
    try {
      if (ref.bytes <= MAX_COPY_BYTES) {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.where.bucket,
            Key,
            CopySource: `${this.where.bucket}/${Key}`,
            CopySourceIfMatch: etag,
            MetadataDirective: 'REPLACE',
            Metadata: { [SHA256_METADATA]: ref.sha256 },
          }),
        );
      }
      await this.verify(Key, ref, ref.bytes <= MAX_COPY_BYTES);
    } catch (err) {
      throw this.failure(err, `archiving ${ref.uri}`);
    }
  }

  /** A presigned GET URL of the object, valid `seconds`: the client downloads from the store directly. */
  async servedCopy(ref: Pick<ArchiveRef, 'uri'>, seconds: number): Promise<ServedCopy> {
    const command = new GetObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(ref.uri) });
    const url = await getSignedUrl(this.client, command, { expiresIn: seconds });
    return { kind: 'url', url, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw this.failure(err, `looking for ${this.uriOf(key)}`);
    }
  }

  async delete(ref: Pick<ArchiveRef, 'uri'>): Promise<void> {
    const Key = this.keyOf(ref.uri);
    try {
      // S3 answers a missing key with success too.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key }));
    } catch (err) {
      throw this.failure(err, `deleting ${ref.uri}`);
    }
  }

  /** Lists and deletes the objects one by one (a meeting has a handful; not every S3 server has DeleteObjects). */
  async deleteUnder(prefix: string): Promise<number> {
    const Prefix = `${this.objectKey(prefix)}/`;
    const gone = new Set<string>();
    let deleted = 0;
    try {
      for (;;) {
        // Each page is deleted before the next listing: a listing started again sees only what is left.
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix }));
        // A key listed again after its deletion (a lagging listing) is not deleted twice, nor waited for.
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key && !gone.has(o.Key) ? [o.Key] : []));
        if (!keys.length) {
          await this.abortUploadsUnder(Prefix);
          return deleted;
        }
        for (const Key of keys) {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key }));
          gone.add(Key);
          deleted++;
        }
      }
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchBucket') return deleted;
      throw this.failure(err, `deleting ${this.location}/${prefix}/`);
    }
  }

  /** Multipart uploads under way (or kept for a resumed download) under `Prefix`: aborted, their parts gone. */
  private async abortUploadsUnder(Prefix: string): Promise<void> {
    const Bucket = this.where.bucket;
    const listed = await this.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix }));
    for (const upload of listed.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId) continue;
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }))
        .catch((err: unknown) => {
          // Completed or aborted meanwhile: nothing left of it.
          if (!isNotFound(err) && (err as { name?: string }).name !== 'NoSuchUpload') throw err;
        });
    }
  }

  /** `err` classified (s3-failure.ts); a bucket found missing is created again by the next attempt. */
  private failure(err: unknown, doing: string): unknown {
    const failure = s3Failure(err, doing);
    if (failure instanceof ArchiveStoreError && failure.code === 'NoSuchBucket') this.bucketReady = undefined;
    return failure;
  }

  /** The object key behind a URI this archive handed out; refuses anything outside the archive. */
  private keyOf(uri: string): string {
    const base = `${this.location}/`;
    if (!uri.startsWith(base)) throw new Error(`not in this archive: ${uri}`);
    return this.objectKey(uri.slice(base.length));
  }

  /** What the store holds under `Key` is what was measured on the way up. */
  private async verify(Key: string, ref: ArchiveRef, withSha256: boolean): Promise<void> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key }));
    const sha256 = head.Metadata?.[SHA256_METADATA];
    if (head.ContentLength !== ref.bytes || (withSha256 && sha256 !== ref.sha256))
      throw new Error(
        `the archive holds ${head.ContentLength} bytes (sha256 ${sha256}) at ${ref.uri}, ` +
          `${ref.bytes} bytes (sha256 ${ref.sha256}) were sent`,
      );
  }

  /** The bucket exists, created when missing; once per archive (again after a failure). */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((err: unknown) => {
      this.bucketReady = undefined;
      throw err;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    const Bucket = this.where.bucket;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw s3Failure(err, `reaching the bucket ${Bucket}`);
    }
    // Outside us-east-1, AWS wants the bucket's region named.
    const region = await this.client.config.region();
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket,
          ...(region && region !== 'us-east-1'
            ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
            : {}),
        }),
      );
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'BucketAlreadyOwnedByYou') return;
      if (name === 'BucketAlreadyExists')
        throw new ArchiveStoreError(
          'AccessDenied',
          `the bucket ${Bucket} does not answer to these credentials, and its name is taken by another account`,
          { cause: err },
        );
      throw s3Failure(err, `creating the missing bucket ${Bucket}`);
    }
  }
}

function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
