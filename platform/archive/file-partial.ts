import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArchiveRef } from '../../domain/archive-ref';
import type { ArchiveSource, PutOptions } from './archive';
import { FlushingFileWriteStream } from './flushing-file-stream';
import { hashFor, measuringStream } from './measure';
import type { PartialWrite } from './resumable';

/** A partial's id: a UUID, as in the hidden `.<name>.<uuid>.partial` beside the target. */
export const PARTIAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The hidden partial file `id` names for `target`: the same name putStream uses for its own writes. */
export function partialPathOf(target: string, id: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${id}.partial`);
}

/**
 * A resumable write in the directory archive: the hidden partial file beside the target, appended to by each
 * attempt and renamed into place once complete. A killed process leaves its bytes in the file (the page
 * cache outlives the process), so the next attempt continues from the file's length.
 */
export class FilePartialWrite implements PartialWrite {
  constructor(
    private readonly target: string,
    readonly handle: string,
    readonly storedBytes: number,
    private readonly uri: string,
  ) {}

  private get file(): string {
    return partialPathOf(this.target, this.handle);
  }

  async complete(source: ArchiveSource, options: PutOptions = {}): Promise<ArchiveRef> {
    const file = this.file;
    // The stored prefix, hashed again from the file (local reads, not the provider), then cut to exactly that.
    const hash = hashFor(options.expectedBytes);
    try {
      if (this.storedBytes > 0) {
        for await (const chunk of fs.createReadStream(file, { end: this.storedBytes - 1 }))
          await hash.update(chunk as Buffer);
      }
      await fsp.truncate(file, this.storedBytes);
    } catch (err) {
      hash.abandon();
      throw err;
    }
    const measure = measuringStream(options, { bytes: this.storedBytes, hash });
    // A failure keeps the partial: what reached the file is where the next attempt continues.
    try {
      await pipeline(source, measure.stream, new FlushingFileWriteStream(file, 'a'));
      await fsp.rename(file, this.target);
    } catch (err) {
      measure.abandon();
      throw err;
    }
    return { uri: this.uri, bytes: measure.bytes, sha256: await measure.digest() };
  }

  async discard(): Promise<void> {
    await fsp.rm(this.file, { force: true });
  }
}
