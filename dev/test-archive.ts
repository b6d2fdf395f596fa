// Which archive the in-process stack (dev/stack.ts) uses when a test names none: the temporary directory,
// or, with TEST_ARCHIVE=s3, the S3 server that the jest global setup started for the run (its endpoint in
// TEST_S3_ENDPOINT), each stack under a prefix of its own in one bucket.
import { S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { FileArchive, S3Archive, type Archive } from '../platform/archive';
import { seaweedFsClientConfig } from './seaweedfs';

export type TestArchiveKind = 'directory' | 's3';

/** The bucket every stack of an S3 run shares (created by the first stack that writes). */
export const TEST_BUCKET = 'test-stacks';

/** TEST_ARCHIVE: `directory` (or unset) or `s3`; anything else is a mistake worth stopping on. */
export function testArchiveKind(env: NodeJS.ProcessEnv = process.env): TestArchiveKind {
  const kind = env.TEST_ARCHIVE;
  if (kind === undefined || kind === '' || kind === 'directory') return 'directory';
  if (kind === 's3') return 's3';
  throw new Error(`TEST_ARCHIVE=${kind}: expected directory or s3`);
}

/** The S3 server of the run, for clients of the test bucket; throws outside a TEST_ARCHIVE=s3 jest run. */
export function testS3ClientConfig(env: NodeJS.ProcessEnv = process.env) {
  const endpoint = env.TEST_S3_ENDPOINT;
  if (!endpoint)
    throw new Error(
      'TEST_S3_ENDPOINT is not set: TEST_ARCHIVE=s3 needs the S3 server of the jest global setup (run through jest)',
    );
  return seaweedFsClientConfig(endpoint);
}

/** The stack's default archive, and what to close when the stack stops. */
export function defaultTestArchive(dir: string): { archive: Archive; close(): void } {
  if (testArchiveKind() === 'directory') return { archive: new FileArchive(dir), close() {} };
  const client = new S3Client(testS3ClientConfig());
  return {
    archive: new S3Archive({ bucket: TEST_BUCKET, prefix: `stacks/${randomUUID()}` }, client),
    close: () => client.destroy(),
  };
}

/**
 * `startStack({ archive: directoryArchive })`: the stack's directory whatever TEST_ARCHIVE says, for tests that
 * hand worker processes ARCHIVE_DIR or look at the files themselves (partials left by a killed writer...).
 */
export const directoryArchive = (dir: string): Archive => new FileArchive(dir);
