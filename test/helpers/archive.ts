// What a test sees of the archive, on the directory and on S3 alike (dev/test-archive.ts): the names stored
// under a key prefix, as a directory listing would show them.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { testS3ClientConfig } from '../../dev/test-archive';
import { FileArchive, S3Archive, type Archive } from '../../platform/archive';

/**
 * The names directly under `keyPrefix` (`meetingbaas/<id>`): files and sub-folders, without hidden ones
 * (partials, probes); [] when nothing is there. An S3Archive must be on the run's S3 server.
 */
export async function archivedNames(archive: Archive, keyPrefix: string): Promise<string[]> {
  if (archive instanceof FileArchive) {
    const names = await fsp
      .readdir(path.join(archive.root, keyPrefix))
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      });
    return names.filter((n) => !n.startsWith('.')).sort();
  }
  if (archive instanceof S3Archive) {
    const client = new S3Client(testS3ClientConfig());
    try {
      const Prefix = `${archive.objectKey(keyPrefix)}/`;
      const names: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: archive.where.bucket,
            Prefix,
            Delimiter: '/',
            ContinuationToken,
          }),
        );
        for (const o of page.Contents ?? []) names.push(o.Key!.slice(Prefix.length));
        for (const p of page.CommonPrefixes ?? []) names.push(p.Prefix!.slice(Prefix.length, -1));
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      return names.filter((n) => !n.startsWith('.')).sort();
    } finally {
      client.destroy();
    }
  }
  throw new Error(`archivedNames: no listing for the archive at ${archive.location}`);
}
