import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import type { Archive } from './archive';
import { FileArchive } from './file-archive';
import { guardErasure } from './erasure';
import { S3Archive, s3ClientConfigFromEnvironment } from './s3-archive';

export {
  IncompleteStreamError,
  type Archive,
  type ArchiveSource,
  type PutOptions,
  type ServedCopy,
} from './archive';
export {
  eraseMeetingObjects,
  guardErasure,
  meetingPrefixes,
  MeetingErasedError,
  tombstoneKey,
  type MeetingRef,
} from './erasure';
export { FileArchive } from './file-archive';
export { S3Archive, s3ClientConfigFromEnvironment, type S3Location } from './s3-archive';
export { ArchiveStoreError } from './s3-failure';
export { isResumable, type PartialWrite, type ResumableArchive } from './resumable';
export { RESUMABLE_PART_BYTES } from './s3-partial';

/**
 * The archive the configuration names: object storage for `ARCHIVE_URL=s3://...` (the SDK's client, set up
 * by its own environment variables), else the directory (`ARCHIVE_URL=file:///<dir>`, or ARCHIVE_DIR); either
 * refuses writes of an erased meeting's objects (erasure.ts).
 */
export function archiveFromConfig(config: Pick<Config, 'ARCHIVE_DIR' | 'ARCHIVE_URL'>): Archive {
  const url = config.ARCHIVE_URL;
  if (url?.kind === 's3')
    return guardErasure(
      new S3Archive(
        { bucket: url.bucket, prefix: url.prefix },
        new S3Client(s3ClientConfigFromEnvironment()),
      ),
    );
  return guardErasure(new FileArchive(url?.dir ?? config.ARCHIVE_DIR));
}
